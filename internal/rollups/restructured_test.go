package rollups

import (
	"testing"

	"github.com/sohoi/sohoi/internal/unitpath"
)

// A move's paths (the moved unit last) say, for a unit asked about,
// whether the moved unit lay below it and under which of its children.
func TestWhereAMovedUnitLay(t *testing.T) {
	p := func(ids ...string) unitpath.Path { return unitpath.Path(ids) }
	cases := []struct {
		name  string
		path  unitpath.Path
		id    string
		under bool
		child string
	}{
		{"a branch below a province, under its district", p("root", "tb", "d1", "c1", "b1"), "tb", true, "d1"},
		{"a branch below its commune, as that child", p("root", "tb", "d1", "c1", "b1"), "c1", true, "b1"},
		{"the moved unit itself is not below itself", p("root", "tb", "d1"), "d1", false, ""},
		{"a district moved, seen from its province", p("root", "tb", "d1"), "tb", true, "d1"},
		{"a unit elsewhere", p("root", "hy", "n1", "b1"), "tb", false, ""},
		{"the root sees every move, under a province", p("root", "hy", "n1", "b1"), "root", true, "hy"},
		{"an empty path", nil, "tb", false, ""},
	}
	for _, c := range cases {
		if got := under(c.path, c.id); got != c.under {
			t.Errorf("%s: under = %t, want %t", c.name, got, c.under)
		}
		if got := childOn(c.path, c.id); got != c.child {
			t.Errorf("%s: child = %q, want %q", c.name, got, c.child)
		}
	}
}
