package evidence

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// FuzzCheck: whatever bytes and name arrive, Check never panics, and what
// it accepts is an allowed type whose name (if it says a type) agrees.
// The seeds run in every go test; go test -fuzz=FuzzCheck explores.
func FuzzCheck(f *testing.F) {
	f.Add("a.pdf", pdfBytes())
	f.Add("a.heic", heicBytes())
	f.Add("a.xlsx", []byte("PK\x03\x04garbage"))
	f.Add("a.docx", zipWith(f, docxMain))
	f.Add("a", []byte("\x00\x00\x00\x0cftypheic"))
	f.Fuzz(func(t *testing.T, name string, content []byte) {
		got, err := check(Policy{MaxSize: 1 << 16}, name, content)
		if err != nil {
			return
		}
		if !slices.Contains(DefaultAllowed, got) {
			t.Fatalf("accepted %s", got)
		}
		if want, ok := extensions[strings.ToLower(filepath.Ext(name))]; ok && want != got {
			t.Fatalf("accepted %s named %q", got, name)
		}
		if got != Sniff(content[:min(len(content), headSize)]) && !bytes.HasPrefix(content, []byte("PK")) {
			t.Fatalf("type %s is not the sniffed one", got)
		}
	})
}
