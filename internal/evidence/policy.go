package evidence

import (
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sohoi/sohoi/internal/errs"
)

// DefaultMaxSize is the size limit of one evidence file: a scanned
// multi-page PDF or a phone photo fits easily.
const DefaultMaxSize = 20 << 20

// DefaultAllowed are the types accepted by default: photos, scans and the
// Office files that records are kept in.
var DefaultAllowed = []string{PDF, JPEG, PNG, HEIC, XLSX, DOCX}

// Policy is what evidence is accepted: its types and its size. The zero
// Policy is the default one.
type Policy struct {
	MaxSize int64
	Allowed []string
}

func (p Policy) maxSize() int64 {
	if p.MaxSize <= 0 {
		return DefaultMaxSize
	}
	return p.MaxSize
}

func (p Policy) allowed() []string {
	if len(p.Allowed) == 0 {
		return DefaultAllowed
	}
	return p.Allowed
}

// extensions are the file name endings each type may have. A name with
// one of these endings must hold that type; a name with another ending (or
// none) is accepted for any allowed type, since the bytes decide.
var extensions = map[string]string{
	".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG, ".heic": HEIC, ".heif": HEIC,
	".xlsx": XLSX, ".docx": DOCX, ".zip": Zip,
	".gif": "image/gif", ".webp": "image/webp", ".txt": "text/plain", ".html": "text/html", ".htm": "text/html",
}

// Check decides the type of a streamed file by its content: head is its
// first bytes (Intake.Head), content the whole file, for Office files. It
// refuses (errs.UnsupportedMedia) a type not allowed and a name whose
// ending says another type than the bytes (a ".pdf" holding PNG bytes),
// and (errs.Validation) an empty file. It returns the type to store.
func (p Policy) Check(name string, head []byte, content io.ReaderAt, size int64) (string, error) {
	if size == 0 {
		return "", errs.Fields{{Field: "file", Message: "is empty"}}.Err()
	}
	if size > p.maxSize() {
		return "", errs.E(errs.PayloadTooLarge, "an evidence file may be at most %d bytes", p.maxSize())
	}
	t := Sniff(head)
	if t == Zip {
		t = Office(content, size)
	}
	if !slices.Contains(p.allowed(), t) {
		return "", errs.E(errs.UnsupportedMedia, "%q is %s, which is not accepted as evidence (accepted: %s)", name, t, strings.Join(p.allowed(), ", "))
	}
	if want, ok := extensions[strings.ToLower(filepath.Ext(name))]; ok && want != t {
		return "", errs.E(errs.UnsupportedMedia, "%q is named as %s but its content is %s", name, want, t)
	}
	return t, nil
}
