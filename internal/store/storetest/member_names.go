package storetest

import (
	"slices"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
)

// testMembersByName: a member is found by its folded name and birth year
// below any unit of its path and nowhere else, whatever the case, accents
// or spacing of the name asked; the key follows a correction of the name
// or the birth date, and a member of unknown birth date is filed under
// year 0.
func testMembersByName(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	hoa := mustMember(t, s, tr.a, "Nguyễn Thị Hoa", "034160000201")     // born 1960
	hoaB := mustMember(t, s, tr.b, "Nguyễn  thị HOA", "034160000202")   // the same name in branch B
	other := mustMember(t, s, tr.c, "Nguyễn Thị Hoa", "034160000203")   // another province
	mai := mustMember(t, s, tr.a, "Nguyễn Thị Hoa Mai", "034160000204") // shares the words, not the name
	unknown, ev := newMember(tr.a, "Nguyễn Thị Hoa", "034160000205")
	unknown.BirthDate = civil.Date{}
	if err := s.CreateMember(ctx(), unknown, ev); err != nil {
		t.Fatal(err)
	}
	ids := func(top *[]string, keys ...string) []string {
		t.Helper()
		ms, err := s.MembersByName(ctx(), *top, keys)
		if err != nil {
			t.Fatal(err)
		}
		return sortedBy(ms, memberID)
	}
	want := func(got []string, ms ...*members.Member) {
		t.Helper()
		var w []string
		for _, m := range ms {
			w = append(w, m.ID)
		}
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Fatalf("found %v, want %v", got, w)
		}
	}
	commune, branchA, p33 := []string(tr.c12436.Path), []string(tr.a.Path), []string(tr.p33.Path)
	want(ids(&commune, members.NameKeysOf("nguyen thi hoa", 1960)...), hoa, hoaB, unknown)
	want(ids(&branchA, members.NameKeysOf("NGUYỄN THỊ HOA", 1960)...), hoa, unknown)
	want(ids(&commune, members.NameKey("Nguyễn Thị Hoa", 1961)))
	want(ids(&p33, members.NameKey("Nguyễn Thị Hoa", 1960)), other)
	want(ids(&commune, members.NameKey("Nguyễn Thị Hoa Mai", 1960)), mai)

	// A correction of the birth year or the name moves the key.
	n, nev := next(hoa, members.Updated, func(m *members.Member) { m.BirthDate = civil.MustParse("1962-01-01") })
	if err := s.UpdateMember(ctx(), n, nev); err != nil {
		t.Fatal(err)
	}
	want(ids(&commune, members.NameKey("Nguyễn Thị Hoa", 1960)), hoaB)
	want(ids(&commune, members.NameKey("Nguyễn Thị Hoa", 1962)), n)
	r, rev := next(hoaB, members.Updated, func(m *members.Member) { m.FullName = "Nguyễn Thị Hồng" })
	if err := s.UpdateMember(ctx(), r, rev); err != nil {
		t.Fatal(err)
	}
	want(ids(&commune, members.NameKey("Nguyễn Thị Hoa", 1960)))
	want(ids(&commune, members.NameKey("nguyen thi hong", 1960)), r)
	want(ids(&commune)) // no keys: none
}
