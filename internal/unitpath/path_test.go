package unitpath

import (
	"slices"
	"testing"
)

func TestPath(t *testing.T) {
	p := Path{"root", "p", "d", "c"}
	cases := []struct {
		name string
		got  any
		want any
	}{
		{"unit", p.Unit(), "c"},
		{"unit of nothing", Path(nil).Unit(), ""},
		{"parent", p.Parent().Key(), "/root/p/d/"},
		{"parent of the root", len(Path{"root"}.Parent()), 0},
		{"depth", p.Depth(), 3},
		{"depth of the root", Path{"root"}.Depth(), 0},
		{"contains an ancestor", p.Contains("p"), true},
		{"contains itself", p.Contains("c"), true},
		{"contains another", p.Contains("x"), false},
		{"within an ancestor", p.IsWithin(Path{"root", "p"}), true},
		{"within itself", p.IsWithin(p), true},
		{"not within a sibling with a common prefix", Path{"root", "pq"}.IsWithin(Path{"root", "p"}), false},
		{"not within a descendant", Path{"root", "p"}.IsWithin(p), false},
		{"not within nothing", p.IsWithin(nil), false},
		{"key", p.Key(), "/root/p/d/c/"},
		{"key round trip", slices.Equal(ParseKey(p.Key()), p), true},
		{"empty key", len(ParseKey("/")), 0},
		{"child", Path{"root", "p"}.Child("d").Key(), "/root/p/d/"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
}

// Child never writes into the parent's backing array: two children of one
// parent keep their own last id.
func TestChildDoesNotShareItsParent(t *testing.T) {
	parent := make(Path, 2, 10)
	copy(parent, []string{"root", "p"})
	a, b := parent.Child("a"), parent.Child("b")
	if a.Unit() != "a" || b.Unit() != "b" {
		t.Fatalf("children %v %v", a, b)
	}
}

func TestRebase(t *testing.T) {
	from, to := Path{"root", "p34", "d"}, Path{"root", "p33", "d"}
	cases := []struct {
		p    Path
		want string
		ok   bool
	}{
		{Path{"root", "p34", "d"}, "/root/p33/d/", true},
		{Path{"root", "p34", "d", "c", "b"}, "/root/p33/d/c/b/", true},
		{Path{"root", "p34"}, "/root/p34/", false},
		{Path{"root", "p34", "e"}, "/root/p34/e/", false},
		{Path{"root", "p33", "d"}, "/root/p33/d/", false},
	}
	for _, c := range cases {
		got, ok := c.p.Rebase(from, to)
		if got.Key() != c.want || ok != c.ok {
			t.Errorf("%v: %v %v, want %s %v", c.p, got, ok, c.want, c.ok)
		}
	}
}
