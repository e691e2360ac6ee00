package members_test

import (
	"slices"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/unitpath"
)

func TestProvincesOfACaller(t *testing.T) {
	caller := func(paths ...unitpath.Path) *access.Caller {
		var gs []access.Grant
		for _, p := range paths {
			gs = append(gs, access.Grant{Role: access.Viewer, UnitID: p.Unit(), Path: p})
		}
		return access.NewAuthorizer(nil).Caller(&access.User{ID: "u", Grants: gs})
	}
	if !members.ProvincesOf(access.System("test")).All() {
		t.Error("the system looks everywhere")
	}
	if !members.ProvincesOf(caller(unitpath.Path{"r"}, unitpath.Path{"r", "p1"})).All() {
		t.Error("a grant at the root looks everywhere")
	}
	p := members.ProvincesOf(caller(unitpath.Path{"r", "p1", "d1"}, unitpath.Path{"r", "p2"}, unitpath.Path{"r", "p1"}))
	if p.All() || !slices.Equal(p.IDs(), []string{"p1", "p2"}) || p.Has("p3") || !p.Has("p2") {
		t.Errorf("grants in p1 and p2: %v (all %v)", p.IDs(), p.All())
	}
	if p := members.ProvincesOf(caller()); p.All() || len(p.IDs()) != 0 {
		t.Errorf("no grants: %v", p.IDs())
	}
	if !members.InProvinceOf(unitpath.Path{"r"}).All() || members.InProvinceOf(unitpath.Path{"r", "p1", "d1"}).IDs()[0] != "p1" {
		t.Error("InProvinceOf")
	}
}
