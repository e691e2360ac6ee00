package backup

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/errs"
)

// gz compresses lines into a backup file.
func gz(lines ...string) Opener {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, _ = io.WriteString(w, strings.Join(lines, "\n")+"\n")
	_ = w.Close()
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b.Bytes())), nil }
}

func TestReadRefusesWhatIsNotAWholeBackup(t *testing.T) {
	const header = `{"format":"sohoi-backup","version":1,"store":"sqlite"}`
	const day = `{"s":"keptDays","r":"2025-06-30"}`
	const key = `{"s":"signingKeys","r":{"ID":"k1","Algorithm":"EdDSA"}}`
	for _, tc := range []struct {
		name  string
		file  Opener
		error string // "" when the file is whole
	}{
		{"whole", gz(header, key, day, `{"end":{"signingKeys":1,"keptDays":1}}`), ""},
		{"an empty registry", gz(header, `{"end":{}}`), ""},
		{"no trailer", gz(header, key, day), "truncated"},
		{"another format", gz(`{"format":"pg_dump","version":1}`), "not a sohoi backup"},
		{"a newer version", gz(`{"format":"sohoi-backup","version":2}`), "version 2"},
		{"an unknown section", gz(header, `{"s":"widgets","r":{}}`, `{"end":{}}`), "unknown section"},
		{"sections out of order", gz(header, day, key, `{"end":{"signingKeys":1,"keptDays":1}}`), "out of order"},
		{"a record of the wrong shape", gz(header, `{"s":"keptDays","r":{"day":1}}`, `{"end":{"keptDays":1}}`), "keptDays record"},
		{"counts that disagree", gz(header, key, `{"end":{"signingKeys":2}}`), "trailer says 2"},
		{"an unknown section in the trailer", gz(header, `{"end":{"widgets":0}}`), "unknown section"},
		{"data after the trailer", gz(header, `{"end":{}}`, key), "after the trailer"},
		{"a member without its history", gz(header, `{"s":"members","r":{"member":{"ID":"m1"},"history":[]}}`, `{"end":{"members":1}}`), "without its history"},
		{"an evidence file that is not its hash", gz(header, `{"s":"evidenceFiles","r":{"file":{"id":"00","size":2},"content":"aGk="}}`, `{"end":{"evidenceFiles":1}}`), "SHA-256"},
		{"not JSON", gz(header, `units;members`), "line 2"},
		{"not gzip", func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(header)), nil }, "not a gzip file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			_, _, err := read(tc.file, func(Section, any) error { n++; return nil })
			if tc.error == "" {
				if err != nil {
					t.Fatalf("a whole file refused: %v", err)
				}
				return
			}
			if !errs.Is(err, errs.Validation) || !strings.Contains(err.Error(), tc.error) {
				t.Fatalf("got %v, want a validation error saying %q", err, tc.error)
			}
		})
	}
}
