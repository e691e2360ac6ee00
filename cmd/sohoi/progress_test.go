package main

import (
	"bytes"
	"os"
	"testing"
)

// Off a terminal, progress is plain lines: one per tenth of a known
// total, one per thousand items of an unknown one, and the last figure
// once.
func TestPlainProgressLines(t *testing.T) {
	cases := []struct {
		name  string
		total int
		sets  []int
		want  string
	}{
		{"tenths", 100, []int{5, 10, 15, 50, 99, 100},
			"job: 10 of 100 items (10%)\njob: 50 of 100 items (50%)\njob: 99 of 100 items (99%)\njob: 100 of 100 items (100%)\n"},
		{"stopped short", 100, []int{30, 35},
			"job: 30 of 100 items (30%)\njob: 35 of 100 items (35%)\n"},
		{"nothing done", 100, nil, "job: 0 of 100 items (0%)\n"},
		{"unknown total", -1, []int{500, 1000, 1500, 2600},
			"job: 1000 items\njob: 2600 items\n"},
		{"unknown total ending on a line", -1, []int{999, 2000}, "job: 2000 items\n"},
	}
	for _, c := range cases {
		var out bytes.Buffer
		p := newProgress(&out, "job", "items", c.total)
		if _, plain := p.(*lineProgress); !plain {
			t.Fatalf("%s: a buffer got a progress bar", c.name)
		}
		for _, n := range c.sets {
			p.Set(n)
		}
		p.Done()
		if out.String() != c.want {
			t.Errorf("%s:\n%s\nwant:\n%s", c.name, out.String(), c.want)
		}
	}
}

// A file that is not a terminal gets plain lines too.
func TestProgressOnAFileIsPlain(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "progress")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, plain := newProgress(f, "job", "items", 10).(*lineProgress); !plain {
		t.Fatal("a file got a progress bar")
	}
}
