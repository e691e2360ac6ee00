package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/units"
)

// newMember is an active member of branch b, as members.Service makes one.
func newMember(b *units.Unit, name, nationalID string) (*members.Member, *members.Event) {
	joined := civil.MustParse("2020-03-08")
	m := &members.Member{ID: ids.New(), BranchID: b.ID, Path: b.Path, FullName: name, Gender: members.Female,
		BirthDate: civil.MustParse("1960-05-19"), NationalID: nationalID, Phone: "0912345678", Address: "Thôn Đông, xã Tây",
		JoinedOn: joined, MemberNo: "KH-001", Status: members.Active, Version: 1, CreatedAt: t0, UpdatedAt: t0,
		Stints: []members.Stint{{BranchID: b.ID, From: joined, StartedBy: members.Joined}}}
	ev := &members.Event{MemberID: m.ID, Seq: 1, Type: members.Joined, On: joined, At: t0, ActorID: "u1", ActorName: "chair",
		Changes: []members.Change{{Field: "fullName", To: name}}, ToBranchID: b.ID}
	return m, ev
}

func mustMember(t *testing.T, s Store, b *units.Unit, name, nationalID string) *members.Member {
	t.Helper()
	m, ev := newMember(b, name, nationalID)
	if err := s.CreateMember(ctx(), m, ev); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return m
}

// next is m changed by fn as the next version, with its event.
func next(m *members.Member, typ members.EventType, fn func(*members.Member)) (*members.Member, *members.Event) {
	n := *m
	n.Stints = slices.Clone(m.Stints)
	fn(&n)
	n.Version = m.Version + 1
	n.UpdatedAt = m.UpdatedAt.Add(time.Minute)
	return &n, &members.Event{MemberID: m.ID, Seq: n.Version, Type: typ, At: n.UpdatedAt, ActorID: "u2", ActorName: "secretary"}
}

// tree: root ─ p34 ─ d336 ─ c12436 ─ {branch A, branch B}; root ─ p33 ─ branch C
type tree struct {
	root, p34, d336, c12436, a, b, p33, c *units.Unit
}

func mustTree(t *testing.T, s Store) tree {
	var tr tree
	tr.root = mustRoot(t, s)
	tr.p34 = mustChild(t, s, tr.root, units.Province, "34")
	tr.d336 = mustChild(t, s, tr.p34, units.District, "336")
	tr.c12436 = mustChild(t, s, tr.d336, units.Commune, "12436")
	tr.a = mustChild(t, s, tr.c12436, units.Branch, "A")
	tr.b = mustChild(t, s, tr.c12436, units.Branch, "B")
	tr.p33 = mustChild(t, s, tr.root, units.Province, "33")
	tr.c = mustChild(t, s, tr.p33, units.Branch, "C")
	return tr
}

func testMembers(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	m := mustMember(t, s, tr.a, "Nguyễn Thị Hoa", "034160000001")

	t.Run("get keeps every field", func(t *testing.T) {
		got, err := s.GetMember(ctx(), m.ID, members.Everywhere)
		if err != nil {
			t.Fatal(err)
		}
		if got.FullName != m.FullName || got.BranchID != tr.a.ID || !slices.Equal(got.Path, tr.a.Path) ||
			got.Gender != members.Female || got.BirthDate != m.BirthDate || got.NationalID != m.NationalID ||
			got.Phone != m.Phone || got.Address != m.Address || got.JoinedOn != m.JoinedOn || got.MemberNo != "KH-001" ||
			got.Status != members.Active || !got.LeftOn.IsZero() || got.Version != 1 || !got.CreatedAt.Equal(t0) {
			t.Fatalf("got %+v\nwant %+v", got, m)
		}
		if len(got.Stints) != 1 || got.Stints[0].From != m.JoinedOn || !got.Stints[0].To.IsZero() ||
			got.Stints[0].BranchID != tr.a.ID || got.Stints[0].StartedBy != members.Joined {
			t.Fatalf("stints %+v", got.Stints)
		}
		if _, err := s.GetMember(ctx(), "0000000000000000", members.Everywhere); !errs.Is(err, errs.NotFound) {
			t.Fatalf("missing member: %v", err)
		}
	})
	t.Run("one active member per national ID", func(t *testing.T) {
		dup, ev := newMember(tr.c, "Trần Văn Nam", m.NationalID)
		if err := s.CreateMember(ctx(), dup, ev); !errs.Is(err, errs.DuplicateNationalID) {
			t.Fatalf("got %v, want duplicate_national_id", err)
		}
		if _, err := s.GetMember(ctx(), dup.ID, members.Everywhere); !errs.Is(err, errs.NotFound) {
			t.Fatal("a refused member was stored")
		}
		got, err := s.ActiveMemberByNationalID(ctx(), m.NationalID)
		if err != nil || got.ID != m.ID {
			t.Fatalf("holder: %v %v", got, err)
		}
		if _, err := s.ActiveMemberByNationalID(ctx(), "034160009999"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("no holder: %v", err)
		}
		// members without an ID do not collide
		mustMember(t, s, tr.a, "Lê Văn Một", "")
		mustMember(t, s, tr.a, "Lê Văn Hai", "")
	})
	t.Run("update is compare-and-swap and appends history", func(t *testing.T) {
		cur, _ := s.GetMember(ctx(), m.ID, members.Everywhere)
		n, ev := next(cur, members.Updated, func(n *members.Member) { n.Phone = "0987654321" })
		ev.Changes = []members.Change{{Field: "phone", From: "0912345678", To: "0987654321"}}
		if err := s.UpdateMember(ctx(), n, ev); err != nil {
			t.Fatal(err)
		}
		stale, sev := next(cur, members.Updated, func(n *members.Member) { n.Address = "lost" })
		if err := s.UpdateMember(ctx(), stale, sev); !errs.Is(err, errs.VersionMismatch) {
			t.Fatalf("stale update: %v", err)
		}
		got, _ := s.GetMember(ctx(), m.ID, members.Everywhere)
		if got.Phone != "0987654321" || got.Address == "lost" || got.Version != 2 {
			t.Fatalf("after updates %+v", got)
		}
		hist, err := s.MemberHistory(ctx(), m.ID, members.Everywhere)
		if err != nil || len(hist) != 2 || hist[0].Type != members.Joined || hist[1].Type != members.Updated ||
			hist[1].Seq != 2 || hist[1].ActorName != "secretary" || len(hist[1].Changes) != 1 || hist[1].Changes[0].To != "0987654321" ||
			!hist[0].At.Equal(t0) || hist[0].On != m.JoinedOn {
			t.Fatalf("history %+v %v", hist, err)
		}
		missing, mev := next(cur, members.Updated, func(n *members.Member) { n.ID = "0000000000000000" })
		if err := s.UpdateMember(ctx(), missing, mev); !errs.Is(err, errs.NotFound) {
			t.Fatalf("update of a missing member: %v", err)
		}
	})
	t.Run("a member who left frees the national ID and may rejoin", func(t *testing.T) {
		cur, _ := s.GetMember(ctx(), m.ID, members.Everywhere)
		left := civil.MustParse("2025-06-30")
		n, ev := next(cur, members.LeftEvent, func(n *members.Member) {
			n.Status, n.LeftOn, n.LeaveReason = members.Left, left, "chuyển nơi ở"
			n.Stints[0].To, n.Stints[0].EndedBy = left, members.LeftEvent
		})
		ev.On = left
		if err := s.UpdateMember(ctx(), n, ev); err != nil {
			t.Fatal(err)
		}
		got, _ := s.GetMember(ctx(), m.ID, members.Everywhere)
		if got.Status != members.Left || got.LeftOn != left || got.Stints[0].To != left || got.Stints[0].EndedBy != members.LeftEvent {
			t.Fatalf("after leaving: %+v", got)
		}
		again := mustMember(t, s, tr.b, "Nguyễn Thị Hoa", m.NationalID)
		// and the old record cannot become active again while the new one is
		back, bev := next(got, members.Updated, func(n *members.Member) { n.Status, n.LeftOn = members.Active, civil.Date{} })
		if err := s.UpdateMember(ctx(), back, bev); !errs.Is(err, errs.DuplicateNationalID) {
			t.Fatalf("second active holder via update: %v", err)
		}
		if h, _ := s.ActiveMemberByNationalID(ctx(), m.NationalID); h == nil || h.ID != again.ID {
			t.Fatalf("holder is %v", h)
		}
	})
	t.Run("transfer moves the member and its path", func(t *testing.T) {
		x := mustMember(t, s, tr.a, "Phạm Văn Tư", "")
		on := civil.MustParse("2024-01-15")
		n, ev := next(x, members.Transferred, func(n *members.Member) {
			n.Stints[0].To, n.Stints[0].EndedBy = on, members.Transferred
			n.Stints = append(n.Stints, members.Stint{BranchID: tr.c.ID, From: on, StartedBy: members.Transferred})
			n.BranchID, n.Path = tr.c.ID, tr.c.Path
		})
		ev.On, ev.FromBranchID, ev.ToBranchID = on, tr.a.ID, tr.c.ID
		if err := storeChange(s, x, n, ev); err != nil {
			t.Fatal(err)
		}
		got, _ := s.GetMember(ctx(), x.ID, members.Everywhere)
		if got.BranchID != tr.c.ID || !slices.Equal(got.Path, tr.c.Path) || len(got.Stints) != 2 {
			t.Fatalf("after transfer %+v", got)
		}
		hist, _ := s.MemberHistory(ctx(), x.ID, members.Everywhere)
		if len(hist) != 2 || hist[1].FromBranchID != tr.a.ID || hist[1].ToBranchID != tr.c.ID || hist[1].On != on {
			t.Fatalf("history %+v", hist)
		}
	})
}
