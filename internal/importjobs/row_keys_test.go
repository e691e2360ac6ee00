package importjobs

import (
	"math/rand/v2"
	"testing"
)

// rowKeys answers like a map whatever the number of keys, across merges.
func TestRowKeysAnswerLikeAMap(t *testing.T) {
	for _, n := range []int{0, 1, mergeAt - 1, mergeAt, mergeAt + 1, 10 * mergeAt, 300_000} {
		var s rowKeys
		want := map[uint64]int{}
		rnd := rand.New(rand.NewPCG(uint64(n), 7))
		for row := 2; row < n+2; row++ {
			k := rnd.Uint64()
			if row%5 == 0 && row > 2 { // a repeat of an earlier key
				for k2, first := range want {
					if first < row {
						k = k2
					}
					break
				}
			}
			first, ok := s.first(k)
			wfirst, wok := want[k]
			if ok != wok || first != wfirst {
				t.Fatalf("n=%d row %d: first(%x) = %d %v, want %d %v", n, row, k, first, ok, wfirst, wok)
			}
			if !ok {
				s.add(k, row)
				want[k] = row
			}
		}
		if s.len() != len(want) {
			t.Fatalf("n=%d: %d keys remembered, want %d", n, s.len(), len(want))
		}
		for k, row := range want {
			if got, ok := s.first(k); !ok || got != row {
				t.Fatalf("n=%d: at the end first(%x) = %d %v, want %d", n, k, got, ok, row)
			}
		}
		if _, ok := s.first(rnd.Uint64()); ok && n < 1000 {
			t.Fatalf("n=%d: a key never added is found", n)
		}
	}
}

// The point of rowKeys: a million keys in well under the ~38 MB a map
// takes.
func TestRowKeysAreSmallerThanAMap(t *testing.T) {
	var s rowKeys
	for i := range 1_000_000 {
		s.add(uint64(i)*0x9E3779B97F4A7C15, i+2)
	}
	bytes := cap(s.keys)*8 + cap(s.rows)*4 + len(s.recent)*38
	if bytes > 20<<20 {
		t.Fatalf("a million keys take about %d MB", bytes>>20)
	}
}
