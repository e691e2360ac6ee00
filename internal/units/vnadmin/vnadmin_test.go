package vnadmin

import (
	"encoding/json"
	"io"
	"testing"
)

// Every carried tree opens, decompresses whole and has the size its
// README gives; an unknown tree is refused by name.
func TestOpenEveryTree(t *testing.T) {
	cases := []struct {
		tree      Tree
		provinces int
	}{
		{Before2025Reform, 63},
		{After2025Reform, 34},
	}
	for _, c := range cases {
		r, err := Open(c.tree)
		if err != nil {
			t.Fatalf("%s: %v", c.tree, err)
		}
		var f struct {
			Data []json.RawMessage `json:"data"`
		}
		if err := json.NewDecoder(r).Decode(&f); err != nil {
			t.Fatalf("%s: %v", c.tree, err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil { // the gzip checksum is checked at the end
			t.Fatalf("%s: %v", c.tree, err)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		if len(f.Data) != c.provinces {
			t.Errorf("%s: %d provinces, want %d", c.tree, len(f.Data), c.provinces)
		}
	}
	if Current != After2025Reform {
		t.Errorf("the tree in force is %s", Current)
	}
	if _, err := Open("2024-01"); err == nil {
		t.Error("an unknown tree opened")
	}
}
