package imports

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"
)

// rollGenerator is a CSV roll of n rows made as it is read, so that the
// test itself holds none of it.
type rollGenerator struct {
	n, i int
	buf  []byte
}

func (g *rollGenerator) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		if g.i > g.n {
			return 0, io.EOF
		}
		if g.i == 0 {
			g.buf = []byte("STT,Họ và tên,Ngày sinh,Giới tính,Điện thoại,Địa chỉ\n")
		} else {
			g.buf = fmt.Appendf(nil, "%d,Nguyễn Văn An %d,05/09/1985,Nam,0912345678,\"Thôn %d, xã Yên Lạc, huyện Yên Lạc\"\n", g.i, g.i, g.i)
		}
		g.i++
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	return n, nil
}

// Reading a roll holds one row at a time: the heap stays small however
// long the file (here about 12 MB).
func TestReadingIsStreamed(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 120,000 rows")
	}
	const rows = 120_000
	src, err := Open(&rollGenerator{n: rows}, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tab, err := NewTable(src, nil, today)
	if err != nil {
		t.Fatal(err)
	}
	var peak uint64
	var ms runtime.MemStats
	n := 0
	for {
		p, err := tab.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !p.OK() {
			t.Fatalf("row %d: %+v", p.Row, p.Errors)
		}
		if n++; n%20_000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	if n != rows {
		t.Fatalf("read %d rows, want %d", n, rows)
	}
	if peak > 8<<20 {
		t.Errorf("heap reached %d MB while reading", peak>>20)
	}
	t.Logf("%d rows, heap at most %.1f MB", n, float64(peak)/(1<<20))
}
