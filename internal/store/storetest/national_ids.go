package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/units"
)

// testNationalIDs: at most one active member holds a national ID, however
// the writes race (SQLite: a partial unique index; MongoDB: the claims of
// nationalIds, docs/sharding.md §5.1), and the ID is freed by a leave, a
// change or a removal, and by nothing else.
func testNationalIDs(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	branches := []*units.Unit{tr.a, tr.b, tr.c}

	t.Run("concurrent creates keep exactly one holder", func(t *testing.T) {
		for round := range 3 {
			id := fmt.Sprintf("03416000700%d", round)
			const n = 8
			ms := make([]*members.Member, n)
			errs_ := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				m, ev := newMember(branches[i%len(branches)], fmt.Sprintf("Đinh Thị Đua %d", i), id)
				ms[i] = m
				wg.Go(func() {
					<-start
					errs_[i] = s.CreateMember(ctx(), m, ev)
				})
			}
			close(start)
			wg.Wait()
			winner := holderOf(t, s, id, ms, errs_)
			if winner == nil {
				t.Fatalf("round %d: no create of %s succeeded: %v", round, id, errs_)
			}
		}
	})

	t.Run("concurrent batches keep exactly one holder", func(t *testing.T) {
		const id, n = "034160007100", 4
		ms := make([]*members.Member, n)
		errs_ := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			own, oev := newMember(tr.a, fmt.Sprintf("Đinh Văn Riêng %d", i), fmt.Sprintf("03416000720%d", i))
			shared, sev := newMember(tr.b, fmt.Sprintf("Đinh Văn Chung %d", i), id)
			ms[i] = shared
			wg.Go(func() {
				<-start
				errs_[i] = s.CreateMembers(ctx(), []*members.Member{own, shared}, []*members.Event{oev, sev})
			})
		}
		close(start)
		wg.Wait()
		if holderOf(t, s, id, ms, errs_) == nil {
			t.Fatalf("no batch succeeded: %v", errs_)
		}
	})

	t.Run("a leave frees the ID for another member", func(t *testing.T) {
		x := mustMember(t, s, tr.a, "Hoàng Thị Rời", "034160007300")
		leave(t, s, x)
		y := mustMember(t, s, tr.c, "Hoàng Văn Đến", x.NationalID)
		if h, err := s.ActiveMemberByNationalID(ctx(), x.NationalID); err != nil || h.ID != y.ID {
			t.Fatalf("holder %v (%v), want the new member", h, err)
		}

		// and the one who left cannot rejoin while the other holds it
		cur, _ := s.GetMember(ctx(), x.ID, members.Everywhere)
		back, bev := next(cur, members.Updated, func(n *members.Member) { n.Status, n.LeftOn, n.LeaveReason = members.Active, civil.Date{}, "" })
		if err := s.UpdateMember(ctx(), back, bev); !errs.Is(err, errs.DuplicateNationalID) {
			t.Fatalf("rejoin while another holds the ID: %v, want duplicate_national_id", err)
		}
		if got, _ := s.GetMember(ctx(), x.ID, members.Everywhere); got.Status != members.Left || got.Version != cur.Version {
			t.Fatalf("the refused rejoin changed the member: %+v", got)
		}
		if h, err := s.ActiveMemberByNationalID(ctx(), x.NationalID); err != nil || h.ID != y.ID {
			t.Fatalf("holder after the refused rejoin: %v (%v)", h, err)
		}

		// once the other leaves too, the rejoin goes through
		leave(t, s, y)
		if err := s.UpdateMember(ctx(), back, bev); err != nil {
			t.Fatalf("rejoin of a free ID: %v", err)
		}
		if h, err := s.ActiveMemberByNationalID(ctx(), x.NationalID); err != nil || h.ID != x.ID {
			t.Fatalf("holder after the rejoin: %v (%v)", h, err)
		}
	})

	t.Run("a changed or removed ID frees the old one", func(t *testing.T) {
		z := mustMember(t, s, tr.a, "Vũ Thị Đổi", "034160007400")
		n, ev := next(z, members.Updated, func(n *members.Member) { n.NationalID = "034160007401" })
		if err := s.UpdateMember(ctx(), n, ev); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ActiveMemberByNationalID(ctx(), "034160007400"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("the old ID is still held: %v", err)
		}
		w := mustMember(t, s, tr.b, "Vũ Văn Cũ", "034160007400")
		dup, dev := newMember(tr.b, "Vũ Văn Trùng", "034160007401")
		if err := s.CreateMember(ctx(), dup, dev); !errs.Is(err, errs.DuplicateNationalID) {
			t.Fatalf("the new ID taken by another: %v, want duplicate_national_id", err)
		}
		// changing to an ID another holds is refused, and changes nothing
		taken, tev := next(n, members.Updated, func(n *members.Member) { n.NationalID = w.NationalID })
		if err := s.UpdateMember(ctx(), taken, tev); !errs.Is(err, errs.DuplicateNationalID) {
			t.Fatalf("change to a held ID: %v, want duplicate_national_id", err)
		}
		if h, err := s.ActiveMemberByNationalID(ctx(), "034160007401"); err != nil || h.ID != z.ID {
			t.Fatalf("a refused change lost the member's own ID: %v (%v)", h, err)
		}
		// in a batch too, and the rest of the batch is not stored
		other, oev := next(w, members.Updated, func(n *members.Member) { n.Phone = "0900000001" })
		if err := s.UpdateMembers(ctx(), []*members.Member{other, taken}, []*members.Event{oev, tev}); !errs.Is(err, errs.DuplicateNationalID) {
			t.Fatalf("batch change to a held ID: %v, want duplicate_national_id", err)
		}
		if got, _ := s.GetMember(ctx(), z.ID, members.Everywhere); got.NationalID != "034160007401" || got.Version != n.Version {
			t.Fatalf("the refused batch changed the member: %+v", got)
		}
		removed, rev := next(n, members.Updated, func(n *members.Member) { n.NationalID = "" })
		if err := s.UpdateMember(ctx(), removed, rev); err != nil {
			t.Fatal(err)
		}
		mustMember(t, s, tr.c, "Vũ Văn Mới", "034160007401")
	})

	t.Run("a rejoin racing creates keeps exactly one holder", func(t *testing.T) {
		const id, n = "034160007500", 4
		x := mustMember(t, s, tr.a, "Lý Thị Về", id)
		leave(t, s, x)
		cur, _ := s.GetMember(ctx(), x.ID, members.Everywhere)
		back, bev := next(cur, members.Updated, func(n *members.Member) { n.Status, n.LeftOn, n.LeaveReason = members.Active, civil.Date{}, "" })
		ms := []*members.Member{back}
		errs_ := make([]error, n+1)
		var wg sync.WaitGroup
		start := make(chan struct{})
		wg.Go(func() {
			<-start
			errs_[0] = s.UpdateMember(ctx(), back, bev)
		})
		for i := range n {
			m, ev := newMember(tr.b, fmt.Sprintf("Lý Văn Tới %d", i), id)
			ms = append(ms, m)
			wg.Go(func() {
				<-start
				errs_[i+1] = s.CreateMember(ctx(), m, ev)
			})
		}
		close(start)
		wg.Wait()
		if holderOf(t, s, id, ms, errs_) == nil {
			t.Fatalf("neither the rejoin nor a create succeeded: %v", errs_)
		}
	})
}

// holderOf checks a race over national ID id among ms (errs_[i] what the
// write of ms[i] answered): each lost with duplicate_national_id, at most
// one won, the store names the winner as the holder, and the roll of the
// whole tree shows exactly one active member with the ID. It returns the
// winner.
func holderOf(t *testing.T, s Store, id string, ms []*members.Member, errs_ []error) *members.Member {
	t.Helper()
	var winner *members.Member
	for i, err := range errs_ {
		switch {
		case err == nil && winner != nil:
			t.Errorf("two writes of %s succeeded: %s and %s", id, winner.ID, ms[i].ID)
		case err == nil:
			winner = ms[i]
		case !errs.Is(err, errs.DuplicateNationalID):
			t.Errorf("write %d of %s: %v, want success or duplicate_national_id", i, id, err)
		}
	}
	if winner == nil {
		return nil
	}
	if h, err := s.ActiveMemberByNationalID(ctx(), id); err != nil || h.ID != winner.ID {
		t.Errorf("holder of %s is %v (%v), want %s", id, h, err, winner.ID)
	}
	active := 0
	for _, m := range ms {
		got, err := s.GetMember(ctx(), m.ID, members.Everywhere)
		if err == nil && got.Status == members.Active && got.NationalID == id {
			active++
		}
	}
	if active != 1 {
		t.Errorf("%d active members hold %s, want 1", active, id)
	}
	return winner
}

// leave makes m leave its branch today.
func leave(t *testing.T, s Store, m *members.Member) {
	t.Helper()
	cur, err := s.GetMember(ctx(), m.ID, members.Everywhere)
	if err != nil {
		t.Fatal(err)
	}
	on := civil.MustParse("2025-06-30")
	n, ev := next(cur, members.LeftEvent, func(n *members.Member) {
		n.Status, n.LeftOn, n.LeaveReason = members.Left, on, "chuyển nơi ở"
		last := len(n.Stints) - 1
		n.Stints[last].To, n.Stints[last].EndedBy = on, members.LeftEvent
	})
	ev.On = on
	if err := s.UpdateMember(ctx(), n, ev); err != nil {
		t.Fatalf("leave of %s: %v", m.ID, err)
	}
}
