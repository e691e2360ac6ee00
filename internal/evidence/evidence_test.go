package evidence

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/xuri/excelize/v2"

	"github.com/sohoi/sohoi/internal/errs"
)

// Real small files, made here.

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t *testing.T) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pdfBytes is a complete one-page PDF, as a scanner's is in form.
func pdfBytes() []byte {
	return []byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
		"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
}

// heicBytes is the head of an iPhone photo: an ftyp box of brand heic.
func heicBytes() []byte {
	b := []byte{0, 0, 0, 24}
	b = append(b, "ftypheic"...)
	b = append(b, 0, 0, 0, 0)
	b = append(b, "mif1heic"...)
	return append(b, make([]byte, 100)...)
}

func xlsxBytes(t *testing.T) []byte {
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "Gia đình học tập")
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zipWith is an archive whose [Content_Types].xml declares mainType as
// the main part ("" for none at all).
func zipWith(t testing.TB, mainType string) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	if mainType != "" {
		f, _ := w.Create("[Content_Types].xml")
		io.WriteString(f, `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
			`<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="`+mainType+`"/></Types>`)
	}
	f, _ := w.Create("word/document.xml")
	io.WriteString(f, "<w:document/>")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const docxMain = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

func check(p Policy, name string, content []byte) (string, error) {
	in := p.NewIntake(bytes.NewReader(content))
	if _, err := io.Copy(io.Discard, in); err != nil {
		return "", err
	}
	return p.Check(name, in.Head(), bytes.NewReader(content), in.Size())
}

func TestCheckDecidesTheTypeByContent(t *testing.T) {
	png, jpg, xlsx := pngBytes(t), jpegBytes(t), xlsxBytes(t)
	cases := []struct {
		name    string
		file    string
		content []byte
		want    string
		code    errs.Code
	}{
		{"pdf", "bien-ban.pdf", pdfBytes(), PDF, ""},
		{"png", "anh.PNG", png, PNG, ""},
		{"jpeg", "anh.jpg", jpg, JPEG, ""},
		{"jpeg named .jpeg", "anh.jpeg", jpg, JPEG, ""},
		{"heic", "IMG_0001.HEIC", heicBytes(), HEIC, ""},
		{"xlsx made by excelize", "danh-sach.xlsx", xlsx, XLSX, ""},
		{"docx", "to-trinh.docx", zipWith(t, docxMain), DOCX, ""},
		{"no extension: the bytes decide", "scan", pdfBytes(), PDF, ""},
		{"unknown extension: the bytes decide", "scan.bin", png, PNG, ""},
		{"png bytes named .pdf", "giay-khen.pdf", png, "", errs.UnsupportedMedia},
		{"pdf bytes named .jpg", "anh.jpg", pdfBytes(), "", errs.UnsupportedMedia},
		{"xlsx named .docx", "to-trinh.docx", xlsx, "", errs.UnsupportedMedia},
		{"a plain zip named .xlsx", "danh-sach.xlsx", zipWith(t, ""), "", errs.UnsupportedMedia},
		{"a macro-enabled document named .docx", "to-trinh.docx", zipWith(t, "application/vnd.ms-word.document.macroEnabled.main+xml"), "", errs.UnsupportedMedia},
		{"html named .jpg", "anh.jpg", []byte("<html><script>alert(1)</script></html>"), "", errs.UnsupportedMedia},
		{"text", "ghi-chu.txt", []byte("xin chào"), "", errs.UnsupportedMedia},
		{"an executable named .pdf", "a.pdf", append([]byte("MZ\x90\x00"), make([]byte, 60)...), "", errs.UnsupportedMedia},
		{"empty", "a.pdf", nil, "", errs.Validation},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := check(Policy{}, c.file, c.content)
			if errs.CodeOf(err) != c.code || got != c.want {
				t.Fatalf("Check(%s) = %q, %v; want %q, code %q", c.file, got, err, c.want, c.code)
			}
		})
	}
}

func TestPolicyAllowedTypesAreConfigurable(t *testing.T) {
	photosOnly := Policy{Allowed: []string{JPEG, PNG}}
	if _, err := check(photosOnly, "anh.png", pngBytes(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := check(photosOnly, "bien-ban.pdf", pdfBytes()); !errs.Is(err, errs.UnsupportedMedia) {
		t.Fatalf("a PDF under a photos-only policy: %v", err)
	}
}

func TestIntakeNamesTheBytesAsTheyStream(t *testing.T) {
	content := bytes.Repeat([]byte("minh chứng "), 10_000)
	sum := sha256.Sum256(content)
	// One byte at a time: the hash must not depend on how reads split.
	in := Policy{}.NewIntake(iotest.OneByteReader(bytes.NewReader(content)))
	var out bytes.Buffer
	if _, err := io.Copy(&out, in); err != nil {
		t.Fatal(err)
	}
	if in.ID() != hex.EncodeToString(sum[:]) || in.Size() != int64(len(content)) || !bytes.Equal(out.Bytes(), content) {
		t.Fatalf("intake: id %s size %d", in.ID(), in.Size())
	}
	if !bytes.Equal(in.Head(), content[:headSize]) {
		t.Fatalf("head is %d bytes, not the first %d", len(in.Head()), headSize)
	}
	if !ValidID(in.ID()) {
		t.Fatalf("%s is not a valid id", in.ID())
	}
}

func TestIntakeRefusesBeyondTheLimitWithoutReadingOn(t *testing.T) {
	p := Policy{MaxSize: 1000}
	for _, n := range []int{999, 1000} {
		in := p.NewIntake(bytes.NewReader(make([]byte, n)))
		if _, err := io.Copy(io.Discard, in); err != nil {
			t.Fatalf("%d bytes under a 1000-byte limit: %v", n, err)
		}
	}
	// An endless upload: refused after the limit, having read just past it.
	src := &countingReader{}
	in := p.NewIntake(src)
	_, err := io.Copy(io.Discard, in)
	if !errs.Is(err, errs.PayloadTooLarge) {
		t.Fatalf("endless upload: %v", err)
	}
	if src.n > 1001 {
		t.Fatalf("read %d bytes of an upload limited to 1000", src.n)
	}
	if _, err := in.Read(make([]byte, 10)); !errs.Is(err, errs.PayloadTooLarge) {
		t.Fatalf("a read after the refusal: %v", err)
	}
	// The default is 20 MB.
	if (Policy{}).maxSize() != 20<<20 {
		t.Fatalf("default limit %d", Policy{}.maxSize())
	}
}

type countingReader struct{ n int }

func (r *countingReader) Read(b []byte) (int, error) {
	r.n += len(b)
	return len(b), nil
}

func TestHasherAndVerifying(t *testing.T) {
	content := pdfBytes()
	h := NewHasher()
	io.Copy(io.MultiWriter(h, io.Discard), bytes.NewReader(content))
	id := h.ID()
	got, err := io.ReadAll(Verifying(bytes.NewReader(content), id, int64(len(content))))
	if err != nil || !bytes.Equal(got, content) {
		t.Fatalf("verifying the right bytes: %v", err)
	}
	damaged := bytes.Clone(content)
	damaged[10] ^= 1
	if _, err := io.ReadAll(Verifying(bytes.NewReader(damaged), id, int64(len(content)))); !errs.Is(err, errs.Internal) || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("verifying damaged bytes: %v", err)
	}
	if _, err := io.ReadAll(Verifying(bytes.NewReader(content[:20]), id, int64(len(content)))); err == nil {
		t.Fatal("a truncated blob passed")
	}
}

func TestValidID(t *testing.T) {
	sum := sha256.Sum256([]byte("x"))
	good := hex.EncodeToString(sum[:])
	for id, want := range map[string]bool{
		good: true, strings.ToUpper(good): false, good[:63]: false, good + "0": false,
		"../../etc/passwd": false, "": false, strings.Repeat("g", 64): false,
	} {
		if ValidID(id) != want {
			t.Errorf("ValidID(%q) = %v", id, !want)
		}
	}
}
