package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// mustRoot creates the central unit.
func mustRoot(t *testing.T, s Store) *units.Unit {
	t.Helper()
	u := &units.Unit{ID: units.RootID, Path: unitpath.Path{units.RootID}, Level: units.Central, Name: "Trung ương Hội", Code: "VN",
		Status: units.Active, Version: 1, CreatedAt: t0, UpdatedAt: t0}
	if err := s.CreateUnit(ctx(), u); err != nil {
		t.Fatalf("create root: %v", err)
	}
	return u
}

// mustChild creates a child of parent with the given level and code.
func mustChild(t *testing.T, s Store, parent *units.Unit, level units.Level, code string) *units.Unit {
	t.Helper()
	id := ids.New()
	u := &units.Unit{ID: id, ParentID: parent.ID, Level: level, Name: fmt.Sprintf("Đơn vị %s", code), Code: code,
		Path: parent.Path.Child(id), Status: units.Active, Version: 1, CreatedAt: t0, UpdatedAt: t0}
	if err := s.CreateUnit(ctx(), u); err != nil {
		t.Fatalf("create %s under %s: %v", code, parent.ID, err)
	}
	return u
}

// storeChange stores the change from prev to n as members.Service does: a
// move when it takes the member to another province (Store.MoveMember),
// else an update.
func storeChange(s Store, prev, n *members.Member, ev *members.Event) error {
	if prev.Path.Province() != n.Path.Province() {
		return s.MoveMember(ctx(), prev, n, ev)
	}
	return s.UpdateMember(ctx(), n, ev)
}

// transferred is m's next state and event after a transfer to branch to on
// day on (YYYY-MM-DD): its period there closed, a new one begun.
func transferred(m *members.Member, to *units.Unit, on string) (*members.Member, *members.Event) {
	day := civil.MustParse(on)
	n, ev := next(m, members.Transferred, func(n *members.Member) {
		last := &n.Stints[len(n.Stints)-1]
		last.To, last.EndedBy = day, members.Transferred
		n.Stints = append(n.Stints, members.Stint{BranchID: to.ID, From: day, StartedBy: members.Transferred})
		n.BranchID, n.Path = to.ID, to.Path
	})
	ev.On, ev.FromBranchID, ev.ToBranchID = day, m.BranchID, to.ID
	return n, ev
}

// sortedBy is one field of each member (its id, its name), sorted: what
// the tests compare a store's unordered answers by.
func sortedBy(ms []*members.Member, field func(*members.Member) string) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, field(m))
	}
	slices.Sort(out)
	return out
}

func memberID(m *members.Member) string   { return m.ID }
func memberName(m *members.Member) string { return m.FullName }
