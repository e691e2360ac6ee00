package storetest

import (
	"slices"
	"testing"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/units"
)

// MemberMoves: a member transferred to another province and back
// (Store.MoveMember; on MongoDB a move of its document with a stub left
// behind, docs/sharding.md §5.3) is seen once, where it lives, by every
// read; the branches it left still count it; an update of the version
// before the move misses.
func testMemberMoves(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	x := mustMember(t, s, tr.a, "Đặng Thị Lụa", "034160009901")
	stay := mustMember(t, s, tr.a, "Đặng Văn Ở", "")
	transfer := func(m *members.Member, to *units.Unit, on string) *members.Member {
		t.Helper()
		n, ev := transferred(m, to, on)
		if err := s.MoveMember(ctx(), m, n, ev); err != nil {
			t.Fatal(err)
		}
		return n
	}
	everyone := func(b *units.Unit) []string {
		t.Helper()
		ms, err := s.BranchEveryone(ctx(), b.Path)
		if err != nil {
			t.Fatal(err)
		}
		return sortedBy(ms, memberID)
	}
	seenOnce := func(where string, u *units.Unit, want bool) {
		t.Helper()
		got := listAll(t, s, members.Query{Path: u.Path})
		if n := len(slices.DeleteFunc(got, func(name string) bool { return name != x.FullName })); n != map[bool]int{true: 1}[want] {
			t.Errorf("%s: the member listed %d times, want it %v", where, n, want)
		}
	}

	moved := transfer(x, tr.c, "2024-03-01")
	t.Run("the member lives in the new province only", func(t *testing.T) {
		if _, err := s.GetMember(ctx(), x.ID, members.InProvinces(tr.p34.ID)); !errs.Is(err, errs.NotFound) {
			t.Errorf("in the old province: %v, want not found", err)
		}
		for _, in := range []members.Provinces{members.InProvinces(tr.p33.ID), members.InProvinces(tr.p34.ID, tr.p33.ID), members.Everywhere} {
			got, err := s.GetMember(ctx(), x.ID, in)
			if err != nil || got.Version != 2 || got.BranchID != tr.c.ID || !slices.Equal(got.Path, tr.c.Path) || got.NationalID != x.NationalID {
				t.Errorf("in %v: %+v %v", in.IDs(), got, err)
			}
		}
		h, err := s.MemberHistory(ctx(), x.ID, members.InProvinces(tr.p33.ID))
		if err != nil || len(h) != 2 || h[1].Type != members.Transferred || h[1].ToBranchID != tr.c.ID {
			t.Errorf("history: %+v %v", h, err)
		}
		if got, err := s.ActiveMemberByNationalID(ctx(), x.NationalID); err != nil || got.ID != x.ID || got.BranchID != tr.c.ID {
			t.Errorf("by national ID: %+v %v", got, err)
		}
		if got, err := s.MembersByName(ctx(), tr.root.Path, members.NameKeysOf(x.FullName, 1960)); err != nil || len(got) != 1 || got[0].BranchID != tr.c.ID {
			t.Errorf("by name at the root: %+v %v", got, err)
		}
		seenOnce("the old province", tr.p34, false)
		seenOnce("the new province", tr.p33, true)
		seenOnce("the root", tr.root, true)
	})
	t.Run("the branch left still counts the member", func(t *testing.T) {
		if got, want := everyone(tr.a), sorted(x.ID, stay.ID); !slices.Equal(got, want) {
			t.Errorf("branch A: %v, want %v", got, want)
		}
		if got := everyone(tr.c); !slices.Equal(got, []string{x.ID}) {
			t.Errorf("branch C: %v", got)
		}
		if ms, ok := s.(rollups.MovementStore); ok {
			ps, err := ms.BranchPeriods(ctx(), tr.a.Path)
			if err != nil || len(ps) != 2 {
				t.Errorf("branch A's periods: %+v %v", ps, err)
			}
			got, err := ms.MovedBetween(ctx(), tr.root.Path, "2024-02-28", "2024-03-31")
			if err != nil || len(got.Periods) != 2 {
				t.Errorf("moved at the root in March 2024: %+v %v, want the period ended in A and the one begun in C", got, err)
			}
		}
	})
	t.Run("an update of the version before the move misses", func(t *testing.T) {
		stale, ev := next(x, members.Updated, func(n *members.Member) { n.Phone = "0900000000" })
		if err := s.UpdateMember(ctx(), stale, ev); !errs.Is(err, errs.VersionMismatch) && !errs.Is(err, errs.NotFound) {
			t.Errorf("stale update: %v", err)
		}
		again, ev := next(moved, members.Updated, func(n *members.Member) { n.Phone, n.Gender = "0900000001", members.Male })
		ev.Changes = []members.Change{{Field: "phone", From: moved.Phone, To: again.Phone}, {Field: "gender", From: string(moved.Gender), To: string(again.Gender)}}
		if err := s.UpdateMember(ctx(), again, ev); err != nil {
			t.Fatal(err)
		}
		moved = again
		// The branch left counts the member as corrected.
		ms, err := s.BranchEveryone(ctx(), tr.a.Path)
		if i := slices.IndexFunc(ms, func(m *members.Member) bool { return m.ID == x.ID }); err != nil || i < 0 || ms[i].Gender != members.Male {
			t.Errorf("branch A after a correction of the gender: %v", err)
		}
	})
	t.Run("and back: one live document, both branches counted", func(t *testing.T) {
		back := transfer(moved, tr.b, "2024-09-01")
		if got, err := s.GetMember(ctx(), x.ID, members.Everywhere); err != nil || got.Version != back.Version || got.BranchID != tr.b.ID || got.Phone != "0900000001" {
			t.Errorf("after moving back: %+v %v", got, err)
		}
		if _, err := s.GetMember(ctx(), x.ID, members.InProvinces(tr.p33.ID)); !errs.Is(err, errs.NotFound) {
			t.Errorf("in the province left: %v, want not found", err)
		}
		if got, want := everyone(tr.a), sorted(x.ID, stay.ID); !slices.Equal(got, want) {
			t.Errorf("branch A: %v, want %v", got, want)
		}
		if got := everyone(tr.c); !slices.Equal(got, []string{x.ID}) {
			t.Errorf("branch C: %v", got)
		}
		if got := everyone(tr.b); !slices.Equal(got, []string{x.ID}) {
			t.Errorf("branch B: %v", got)
		}
		seenOnce("the province back in", tr.p34, true)
		seenOnce("the province left", tr.p33, false)
		seenOnce("the root", tr.root, true)
		if h, _ := s.MemberHistory(ctx(), x.ID, members.Everywhere); len(h) != 4 {
			t.Errorf("history: %d events, want 4", len(h))
		}
	})
}

func sorted(ids ...string) []string {
	slices.Sort(ids)
	return ids
}
