package imports

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/errs"
)

func TestSniff(t *testing.T) {
	long := `{"fullName": "` + strings.Repeat("Nguyễn ", 700) + `"}`
	for _, tc := range []struct {
		name string
		head string
		want Format
	}{
		{"an XLSX (zip)", "PK\x03\x04rest", XLSX},
		{"NDJSON", "{\"fullName\": \"Nguyễn Thị Lan\"}\n{}", NDJSON},
		{"NDJSON after a BOM and blank lines", "\xEF\xBB\xBF\r\n  {\"fullName\": \"Lan\"}\n", NDJSON},
		{"NDJSON whose first line the head cuts inside a rune", long[:4095], NDJSON},
		{"a CSV", "Họ và tên,Ngày sinh\nLan,1980\n", CSV},
		{"bytes that begin with { but are not UTF-8", "{\xff\xfe\x00garbage\n", CSV},
	} {
		if got := Sniff([]byte(tc.head)); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// Random bytes are never taken for NDJSON, even when they begin with '{'
// (TestImportRefusals once saw such a file accepted as a job).
func TestRandomBytesBeginningWithABraceAreNotNDJSON(t *testing.T) {
	rnd := rand.NewChaCha8([32]byte{1})
	head := make([]byte, 4096)
	for i := range 2000 {
		_, _ = rnd.Read(head)
		head[0] = '{'
		if Sniff(head) == NDJSON {
			t.Fatalf("random bytes %d sniffed as NDJSON", i)
		}
		if _, err := Open(bytes.NewReader(head), OpenOptions{}); !errs.Is(err, errs.Validation) {
			t.Fatalf("random bytes %d beginning with {: %v, want refused at once", i, err)
		}
	}
}
