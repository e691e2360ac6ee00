package access

import (
	"slices"
	"testing"

	"github.com/sohoi/sohoi/internal/unitpath"
)

func TestGrantUnits(t *testing.T) {
	cases := []struct {
		grants []Grant
		want   []string
	}{
		{nil, []string{}},
		{[]Grant{{Path: unitpath.Path{"root", "p"}}}, []string{"root", "p"}},
		{[]Grant{{Path: unitpath.Path{"root", "p", "d"}}, {Path: unitpath.Path{"root", "q"}}}, []string{"root", "p", "d", "q"}},
	}
	for _, c := range cases {
		if got := GrantUnits(c.grants); !slices.Equal(got, c.want) || got == nil {
			t.Errorf("GrantUnits(%v) = %#v, want %v", c.grants, got, c.want)
		}
	}
}

func TestRebaseGrants(t *testing.T) {
	from, to := unitpath.Path{"root", "p34", "d"}, unitpath.Path{"root", "p33", "d"}
	gs := []Grant{
		{Role: Manager, UnitID: "c", Path: unitpath.Path{"root", "p34", "d", "c"}},
		{Role: Viewer, UnitID: "p34", Path: unitpath.Path{"root", "p34"}},
	}
	got, changed := RebaseGrants(gs, from, to)
	if !changed || got[0].Path.Key() != "/root/p33/d/c/" || got[0].Role != Manager || got[1].Path.Key() != "/root/p34/" {
		t.Fatalf("rebased %+v %v", got, changed)
	}
	if gs[0].Path.Key() != "/root/p34/d/c/" {
		t.Fatal("the grants given were changed")
	}
	if _, changed := RebaseGrants(gs[1:], from, to); changed {
		t.Fatal("a grant outside the subtree changed")
	}
}
