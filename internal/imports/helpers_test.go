package imports

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// today is the day the tests import on.
var today = civil.MustParse("2026-12-01")

// readAll opens data, finds its header and parses every row.
func readAll(t *testing.T, data []byte, opts OpenOptions, m Mapping) (*Table, []Parsed) {
	t.Helper()
	src, err := Open(strings.NewReader(string(data)), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	tab, err := NewTable(src, m, today)
	if err != nil {
		t.Fatalf("NewTable: %v", err)
	}
	var rows []Parsed
	for {
		p, err := tab.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		rows = append(rows, p)
	}
	return tab, rows
}

// errorsOf lists "row field" of every error, in order.
func errorsOf(rows []Parsed) []string {
	var out []string
	for _, p := range rows {
		for _, e := range p.Errors {
			out = append(out, fmt.Sprintf("%d %s", e.Row, e.Field))
		}
	}
	return out
}

// to1258 writes s as Excel does on Vietnamese Windows: Windows-1258, where
// a toned letter is a base letter of the code page and a combining tone.
func to1258(t *testing.T, s string) []byte {
	t.Helper()
	enc := charmap.Windows1258.NewEncoder()
	var out []byte
	for _, r := range norm.NFC.String(s) {
		if b, err := enc.String(string(r)); err == nil {
			out = append(out, b...)
			continue
		}
		// A precomposed letter of the code page (ê, ơ, ă) and the tone
		// as a combining mark: try each mark as the one composed.
		d := []rune(norm.NFD.String(string(r)))
		done := false
		for k := 0; k <= len(d)-1 && !done; k++ {
			composed, rest := string(d[0]), string(d[1:])
			if k > 0 {
				composed = norm.NFC.String(string([]rune{d[0], d[k]}))
				rest = string(append(append([]rune{}, d[1:k]...), d[k+1:]...))
			}
			b, err1 := enc.String(composed)
			m, err2 := enc.String(rest)
			if err1 == nil && err2 == nil {
				out = append(out, b...)
				out = append(out, m...)
				done = true
			}
		}
		if !done {
			t.Fatalf("%q has no Windows-1258 form", r)
		}
	}
	return out
}
