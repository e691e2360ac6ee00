package imports

import (
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

var (
	utf8BOM    = []byte{0xEF, 0xBB, 0xBF}
	utf16LEBOM = []byte{0xFF, 0xFE}
	utf16BEBOM = []byte{0xFE, 0xFF}
)

// vn1258 are the bytes that, in Windows-1258, are letters and tone marks
// only Vietnamese uses (Ă ă Đ đ Ơ ơ Ư ư and the five combining tones);
// in Windows-1252 the same bytes are Ã ã Ð ð Õ õ Ý ý Ì ì Þ Ò ò, rare in
// the Western languages 1252 serves. A file that has them is read as 1258.
var vn1258 = map[byte]bool{0xC3: true, 0xE3: true, 0xD0: true, 0xF0: true, 0xD5: true, 0xF5: true,
	0xDD: true, 0xFD: true, 0xCC: true, 0xEC: true, 0xDE: true, 0xD2: true, 0xF2: true}

// detectEncoding decides how to decode a text file from its first bytes:
// a BOM says so; valid UTF-8 is UTF-8; otherwise a single-byte Windows code
// page, 1258 when the bytes look Vietnamese, 1252 when not. It returns the
// name it assumed and the decoder (nil for UTF-8), and how many BOM bytes
// to skip.
func detectEncoding(head []byte, atEOF bool) (name string, dec *encoding.Decoder, skip int) {
	switch {
	case bytes.HasPrefix(head, utf8BOM):
		return "UTF-8 with BOM", nil, len(utf8BOM)
	case bytes.HasPrefix(head, utf16LEBOM), bytes.HasPrefix(head, utf16BEBOM):
		// Excel's "Unicode text": UTF-16 with a BOM, tab-separated.
		return "UTF-16", unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder(), 0
	case validUTF8Prefix(head, atEOF):
		return "UTF-8", nil, 0
	}
	high, viet := 0, 0
	for _, b := range head {
		if b >= 0x80 {
			high++
			if vn1258[b] {
				viet++
			}
		}
	}
	if viet > 0 && viet*5 >= high {
		return "Windows-1258", charmap.Windows1258.NewDecoder(), 0
	}
	return "Windows-1252", charmap.Windows1252.NewDecoder(), 0
}

// validUTF8Prefix is utf8.Valid, forgiving a rune cut at the end of a
// sample that is not the end of the file.
func validUTF8Prefix(b []byte, atEOF bool) bool {
	if !atEOF {
		for i := 0; i < utf8.UTFMax && i < len(b); i++ {
			if utf8.RuneStart(b[len(b)-1-i]) {
				if !utf8.FullRune(b[len(b)-1-i:]) {
					b = b[:len(b)-1-i]
				}
				break
			}
		}
	}
	return utf8.Valid(b)
}

// looksBinary reports bytes no roll written as text has: NUL and other C0
// controls besides tab, CR, LF (and a form feed now and then).
func looksBinary(b []byte) bool {
	bad := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != '\f' {
			if c == 0 {
				return true
			}
			bad++
		}
	}
	return bad > 0 && bad*100 >= len(b)
}

// decoded wraps r in dec, or returns r for UTF-8.
func decoded(r io.Reader, dec *encoding.Decoder) io.Reader {
	if dec == nil {
		return r
	}
	return transform.NewReader(r, dec)
}
