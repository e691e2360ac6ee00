package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
)

// testMemberBatches: CreateMembers and UpdateMembers store many records as
// the one-at-a-time methods do (search included), a batch with a clash
// says so, sending a batch again finishes it, and MembersByNumber finds
// card numbers in a branch only.
func testMemberBatches(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	var ms []*members.Member
	var evs []*members.Event
	for i := range 5 {
		m, ev := newMember(tr.a, fmt.Sprintf("Lê Thị Batch %c", 'A'+i), fmt.Sprintf("0341600001%02d", i))
		m.MemberNo = fmt.Sprintf("B-%d", i)
		ms, evs = append(ms, m), append(evs, ev)
	}
	if err := s.CreateMembers(ctx(), ms, evs); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		got, err := s.GetMember(ctx(), m.ID, members.Everywhere)
		if err != nil || got.FullName != m.FullName || got.MemberNo != m.MemberNo {
			t.Fatalf("member %s after CreateMembers: %+v, %v", m.ID, got, err)
		}
	}
	res, err := s.ListMembers(ctx(), members.Query{Path: tr.c12436.Path, Words: []string{"batch"}})
	if err != nil || len(res.Items) != 5 {
		t.Fatalf("search after CreateMembers: %d members, %v", len(res.Items), err)
	}
	t.Run("sent again, a batch finds itself", func(t *testing.T) {
		// SQLite refuses the repeat as a whole (its ids are taken);
		// MongoDB finds its own documents. Either way nothing doubles.
		_ = s.CreateMembers(ctx(), ms, evs)
		res, _ := s.ListMembers(ctx(), members.Query{Path: tr.c12436.Path, Words: []string{"batch"}})
		if len(res.Items) != 5 {
			t.Fatalf("%d members after sending the batch again", len(res.Items))
		}
	})
	t.Run("a clashing national ID is refused", func(t *testing.T) {
		a, aev := newMember(tr.b, "Trần Văn Mới", "034160000900")
		b, bev := newMember(tr.b, "Trần Văn Trùng", ms[0].NationalID)
		err := s.CreateMembers(ctx(), []*members.Member{a, b}, []*members.Event{aev, bev})
		if !errs.Is(err, errs.DuplicateNationalID) {
			t.Fatalf("got %v, want duplicate_national_id", err)
		}
		if _, err := s.GetMember(ctx(), b.ID, members.Everywhere); !errs.Is(err, errs.NotFound) {
			t.Fatalf("the clashing member was stored: %v", err)
		}
	})
	t.Run("updates", func(t *testing.T) {
		var ns []*members.Member
		var nevs []*members.Event
		for i, m := range ms[:3] {
			n, ev := next(m, members.Updated, func(n *members.Member) { n.Phone = fmt.Sprintf("091234560%d", i) })
			ev.Changes = []members.Change{{Field: "phone", From: m.Phone, To: n.Phone}}
			ns, nevs = append(ns, n), append(nevs, ev)
		}
		if err := s.UpdateMembers(ctx(), ns, nevs); err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			got, err := s.GetMember(ctx(), n.ID, members.Everywhere)
			if err != nil || got.Phone != n.Phone || got.Version != 2 {
				t.Fatalf("after UpdateMembers: %+v, %v", got, err)
			}
			h, _ := s.MemberHistory(ctx(), n.ID, members.Everywhere)
			if len(h) != 2 || h[1].Type != members.Updated {
				t.Fatalf("history %+v", h)
			}
		}
		// A stale version anywhere in the batch is a version mismatch.
		stale, sev := next(ms[0], members.Updated, func(n *members.Member) { n.Address = "khác" })
		stale.UpdatedAt = stale.UpdatedAt.Add(time.Hour) // not the change stored above
		sev.At = stale.UpdatedAt
		if err := s.UpdateMembers(ctx(), []*members.Member{stale}, []*members.Event{sev}); !errs.Is(err, errs.VersionMismatch) {
			t.Fatalf("stale update: %v", err)
		}
	})
	t.Run("by number, in the branch only", func(t *testing.T) {
		got, err := s.MembersByNumber(ctx(), tr.a.Path, "B-3")
		if err != nil || len(got) != 1 || got[0].ID != ms[3].ID {
			t.Fatalf("MembersByNumber: %v, %v", got, err)
		}
		if got, err := s.MembersByNumber(ctx(), tr.b.Path, "B-3"); err != nil || len(got) != 0 {
			t.Fatalf("another branch's card: %v, %v", got, err)
		}
	})
}
