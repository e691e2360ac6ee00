package evidence

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
)

// The content types evidence may have.
const (
	PDF  = "application/pdf"
	JPEG = "image/jpeg"
	PNG  = "image/png"
	HEIC = "image/heic"
	XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	// Zip is a zip archive that is not an Office document; never allowed,
	// but named so that the refusal says what the file is.
	Zip = "application/zip"
)

// heicBrands are the ISO-BMFF major brands of HEIF images as phones write
// them (iPhone photos are "heic"; "mif1" is the generic HEIF brand).
var heicBrands = []string{"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"}

// Sniff names the type of a file from its first bytes: the signatures of
// PDF ("%PDF-"), JPEG (FF D8 FF), PNG and zip that net/http knows, and
// HEIC (an ISO-BMFF "ftyp" box with a HEIF brand), which it does not.
// Anything else is what http.DetectContentType says, without parameters.
func Sniff(head []byte) string {
	if len(head) >= 12 && string(head[4:8]) == "ftyp" {
		brand := string(head[8:12])
		for _, b := range heicBrands {
			if brand == b {
				return HEIC
			}
		}
	}
	t := http.DetectContentType(head)
	t, _, _ = strings.Cut(t, ";")
	return strings.TrimSpace(t)
}

// officeMain is the content type of the main part of each Office format,
// as its [Content_Types].xml declares it.
var officeMain = map[string]string{
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":       XLSX,
	"application/vnd.ms-excel.sheet.macroEnabled.main+xml":                             "", // macros: never
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
	"application/vnd.ms-word.document.macroEnabled.main+xml":                           "",
}

// Office names a zip archive by its [Content_Types].xml: XLSX or DOCX when
// it declares the main part of a workbook or a document (macro-enabled
// ones are not), else Zip. It reads the archive's directory, so it needs
// the whole file (the spool).
func Office(r io.ReaderAt, size int64) string {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return Zip
	}
	for _, f := range zr.File {
		if f.Name != "[Content_Types].xml" {
			continue
		}
		if f.UncompressedSize64 > 1<<20 { // a real one is a few kB
			return Zip
		}
		rc, err := f.Open()
		if err != nil {
			return Zip
		}
		defer rc.Close()
		var types struct {
			Overrides []struct {
				ContentType string `xml:"ContentType,attr"`
			} `xml:"Override"`
		}
		b, err := io.ReadAll(io.LimitReader(rc, 1<<20))
		if err != nil || xml.NewDecoder(bytes.NewReader(b)).Decode(&types) != nil {
			return Zip
		}
		for _, o := range types.Overrides {
			if t, ok := officeMain[o.ContentType]; ok {
				if t == "" {
					return Zip
				}
				return t
			}
		}
		return Zip
	}
	return Zip
}
