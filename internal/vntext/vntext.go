// Package vntext holds the rules of Vietnamese text that a register must
// get right: NFC storage, search that ignores case and diacritics, and the
// order of official lists (given name first, Vietnamese collation).
package vntext

import (
	"encoding/base64"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Clean returns s in Unicode NFC with surrounding and repeated inner white
// space removed: input arrives both composed and decomposed.
func Clean(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// Fold lowercases s and removes its diacritics ("Đỗ Đình Trọng" → "do dinh
// trong"), so that a search matches however the name was typed. It runs
// for every name stored, searched and imported: plain ASCII takes a short
// cut, and the transform chain is reused (building one per call was most
// of an import's parsing time).
func Fold(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	t := folders.Get().(transform.Transformer)
	defer folders.Put(t)
	out, _, err := transform.String(t, s) // resets t first
	if err != nil {
		return strings.ToLower(s)
	}
	return out
}

// folders holds fold chains for reuse: a chain keeps state while it runs,
// so each call takes one of its own.
var folders = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), runes.Map(func(r rune) rune {
		switch r {
		case 'đ', 'Đ':
			return 'd'
		}
		return unicode.ToLower(r)
	}), norm.NFC)
}}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Words are the folded words of s, each once, in order.
func Words(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.FieldsFunc(Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// collators are reused: a collate.Collator is not safe for concurrent use.
// Case is ignored: names are stored NFC and capitalised alike, and a
// shorter key keeps the roll's indexes small.
var collators = sync.Pool{New: func() any { return collate.New(language.Vietnamese, collate.IgnoreCase) }}

// sortable64 is base64 with its alphabet in ASCII order, so that encoded
// keys compare as the bytes they encode (a prefix still sorts first).
var sortable64 = base64.NewEncoding(sortableAlphabet).WithPadding(base64.NoPadding)

const sortableAlphabet = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"

// SortKey is the key of official lists: the given name (the last word)
// first, then the family and middle names, compared in Vietnamese
// collation. It is text that compares byte by byte in every store (MongoDB
// compares binary data by length first), and it ends with "!<id>" so that
// keys are unique and a page cursor is a single value ('!' sorts below the
// key's alphabet, so a name that is a prefix of another comes first).
func SortKey(fullName, id string) string {
	words := strings.Fields(fullName)
	ordered := fullName
	if n := len(words); n > 1 {
		ordered = words[n-1] + " " + strings.Join(words[:n-1], " ")
	}
	c := collators.Get().(*collate.Collator)
	var buf collate.Buffer
	key := compact(c.KeyFromString(&buf, ordered))
	collators.Put(c)
	return sortable64.EncodeToString(key) + "!" + id
}

// compact shortens a collation key without changing how keys compare. The
// key is 2-byte primary weights, a 0x0000 separator, then 2-byte secondary
// weights (case is ignored, so there is no tertiary level). Secondary
// weights are small (0x20 for "no accent" and a few above for the tones), so
// each is written in one byte, or 0xFF and both bytes for a large one;
// trailing default weights (0x20), the smallest, are dropped, so a key
// that ends earlier still sorts first. A key of another shape is kept whole.
func compact(k []byte) []byte {
	sep := -1
	for i := 0; i+1 < len(k); i += 2 {
		if k[i] == 0 && k[i+1] == 0 {
			sep = i
			break
		}
	}
	if sep < 0 || (len(k)-sep)%2 != 0 {
		return k
	}
	end := len(k)
	for end > sep+2 && k[end-2] == 0 && k[end-1] == 0x20 {
		end -= 2
	}
	out := append(make([]byte, 0, len(k)), k[:sep+2]...)
	for i := sep + 2; i+1 < end; i += 2 {
		switch w := uint16(k[i])<<8 | uint16(k[i+1]); {
		case w < 0xFF:
			out = append(out, byte(w))
		default:
			out = append(out, 0xFF, k[i], k[i+1])
		}
	}
	return out
}
