package servicetest_test

import (
	"context"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/servicetest"
	"github.com/sohoi/sohoi/internal/units"
)

// A closed branch counts as a branch on the days before its closing day,
// not from it on; reopened, it counts again.
func TestClosedBranchCountsOnlyWhileOpen(t *testing.T) {
	ctx := context.Background()
	s := servicetest.Open(t)
	sys := servicetest.Sys
	prov := s.Unit(t, units.RootID, units.Province, "34")
	comm := s.Unit(t, prov.ID, units.Commune, "12436")
	a := s.Unit(t, comm.ID, units.Branch, "A")
	s.Unit(t, comm.ID, units.Branch, "B")
	m := s.Member(t, a.ID, "Nguyễn Thị Hoa") // joined a year ago: A counts since then
	today := civil.Today(s.Now())
	if _, err := s.Members.Leave(ctx, sys, m.ID, members.Left, today.AddDays(-1), "chuyển đi"); err != nil {
		t.Fatal(err)
	}
	branches := func(d civil.Date) int {
		t.Helper()
		r, err := s.Rollups.Rollup(ctx, sys, comm.ID, d)
		if err != nil {
			t.Fatal(err)
		}
		return r.Totals.Branches
	}
	if got := branches(today.AddDays(-30)); got != 1 { // B was made today
		t.Fatalf("branches a month ago, before closing: %d, want 1", got)
	}
	closed, err := s.Units.Close(ctx, sys, a.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if closed.ClosedAt.IsZero() {
		t.Fatal("no closing time kept")
	}
	if got, err := s.Units.Get(ctx, sys, a.ID); err != nil || !got.ClosedAt.Equal(closed.ClosedAt) {
		t.Fatalf("stored closing time: %v, %v", got, err)
	}
	if got := branches(today.AddDays(-30)); got != 1 {
		t.Fatalf("branches a month ago, after closing: %d, want 1 (it was open then)", got)
	}
	if got := branches(civil.Date{}); got != 1 { // B only
		t.Fatalf("branches today: %d, want 1", got)
	}
	open := units.Active
	reopened, err := s.Units.Update(ctx, sys, a.ID, units.Patch{Status: &open}, 0)
	if err != nil || !reopened.ClosedAt.IsZero() {
		t.Fatalf("reopened: %+v, %v", reopened, err)
	}
	if got := branches(civil.Date{}); got != 2 {
		t.Fatalf("branches today after reopening: %d, want 2", got)
	}
}
