package storetest

import (
	"slices"
	"testing"

	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/units"
)

// RewriteKeepsBranchesCounting: a district moved to another province
// takes its members there, and every branch still counts everyone who had
// a period in it: a member who left a moved branch for one that stays,
// and one who came into a moved branch from one that stays (on MongoDB,
// by the stubs the rewrite leaves and makes, docs/sharding.md §5.4). Each
// member is listed once, where it lives.
func testRewriteKeepsBranchesCounting(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	d := mustChild(t, s, tr.p34, units.Branch, "D") // stays in 34 when 336 moves
	transfer := func(m *members.Member, to *units.Unit, on string) *members.Member {
		t.Helper()
		n, ev := transferred(m, to, on)
		if err := storeChange(s, m, n, ev); err != nil {
			t.Fatal(err)
		}
		return n
	}
	left := transfer(mustMember(t, s, tr.a, "Lê Thị Rời", ""), d, "2023-05-01")        // A → D: lives in 34
	came := transfer(mustMember(t, s, d, "Lê Thị Đến", ""), tr.a, "2023-06-01")        // D → A: moves with A
	stay := mustMember(t, s, tr.a, "Lê Thị Ở", "")                                     // A only
	elsewhere := transfer(mustMember(t, s, tr.a, "Lê Thị Xa", ""), tr.c, "2023-07-01") // A → C in 33 already

	from := tr.d336.Path
	to := tr.p33.Path.Child(tr.d336.ID)
	rewriteAll(t, s, from, to, "", 2)
	a, err := s.GetUnit(ctx(), tr.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	everyone := func(path []string) []string {
		t.Helper()
		ms, err := s.BranchEveryone(ctx(), path)
		if err != nil {
			t.Fatal(err)
		}
		return sortedBy(ms, memberName)
	}
	if got, want := everyone(a.Path), sorted(left.FullName, came.FullName, stay.FullName, elsewhere.FullName); !slices.Equal(got, want) {
		t.Errorf("branch A, moved: %v, want %v", got, want)
	}
	if got, want := everyone(d.Path), sorted(left.FullName, came.FullName); !slices.Equal(got, want) {
		t.Errorf("branch D, stayed: %v, want %v", got, want)
	}
	if got := everyone(tr.c.Path); !slices.Equal(got, []string{elsewhere.FullName}) {
		t.Errorf("branch C: %v", got)
	}
	for _, c := range []struct {
		m    *members.Member
		path []string
	}{{left, d.Path}, {came, a.Path}, {stay, a.Path}, {elsewhere, tr.c.Path}} {
		got, err := s.GetMember(ctx(), c.m.ID, members.InProvinces(c.path[1]))
		if err != nil || !slices.Equal(got.Path, c.path) {
			t.Errorf("%s: %+v %v, want at %v", c.m.FullName, got, err, c.path)
		}
	}
	names := func(q members.Query) []string {
		got := listAll(t, s, q)
		slices.Sort(got)
		return got
	}
	if got, want := names(members.Query{Path: tr.p34.Path}), []string{left.FullName}; !slices.Equal(got, want) {
		t.Errorf("province 34 lists %v, want %v", got, want)
	}
	if got, want := names(members.Query{Path: tr.p33.Path}), sorted(came.FullName, stay.FullName, elsewhere.FullName); !slices.Equal(got, want) {
		t.Errorf("province 33 lists %v, want %v", got, want)
	}
	if got := names(members.Query{Path: tr.root.Path}); len(got) != 4 {
		t.Errorf("the root lists %v, want each of the four once", got)
	}
}
