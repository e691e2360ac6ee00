package page

import (
	"errors"
	"slices"
	"testing"
)

func TestEachWalksEveryPageAndStopsAtAnError(t *testing.T) {
	all := make([]int, 2*MaxLimit+3)
	for i := range all {
		all[i] = i
	}
	list := func(p Request) (Result[int], error) {
		items, next := Slice(all, p)
		return Result[int]{Items: items, Next: next}, nil
	}
	var got []int
	if err := Each(list, func(i int) error { got = append(got, i); return nil }); err != nil || !slices.Equal(got, all) {
		t.Fatalf("walked %d items (%v), want %d", len(got), err, len(all))
	}
	stop := errors.New("stop")
	n := 0
	if err := Each(list, func(i int) error {
		n++
		if i == MaxLimit+1 {
			return stop
		}
		return nil
	}); !errors.Is(err, stop) || n != MaxLimit+2 {
		t.Fatalf("after the error: %v, %d items", err, n)
	}
	failing := func(Request) (Result[int], error) { return Result[int]{}, stop }
	if err := Each(failing, func(int) error { t.Fatal("called"); return nil }); !errors.Is(err, stop) {
		t.Fatalf("a failing list: %v", err)
	}
}
