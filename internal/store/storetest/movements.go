package storetest

import (
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// Movements: the periods of a subtree's branches that began or ended in a
// window, each once, with what a tally counts of the member, following
// every change of the facts; and the branches that may have begun in it.
func testMovements(t *testing.T, open Opener) {
	s := open(t)
	ms, ok := s.(rollups.MovementStore)
	if !ok {
		t.Skip("this store answers past days by counting periods (no rollups.MovementStore)")
	}
	tr := mustTree(t, s)
	on := civil.MustParse
	update := func(m *members.Member, typ members.EventType, fn func(*members.Member)) *members.Member {
		t.Helper()
		n, ev := next(m, typ, fn)
		if err := storeChange(s, m, n, ev); err != nil {
			t.Fatal(err)
		}
		return n
	}
	update(mustMember(t, s, tr.a, "Trần Thị Xuân", ""), members.Transferred, func(n *members.Member) {
		n.Stints[0].To, n.Stints[0].EndedBy = on("2024-01-15"), members.Transferred
		n.Stints = append(n.Stints, members.Stint{BranchID: tr.c.ID, From: on("2024-01-15"), StartedBy: members.Transferred})
		n.BranchID, n.Path = tr.c.ID, tr.c.Path
	})
	y := update(mustMember(t, s, tr.a, "Lê Văn Yên", ""), members.Updated, func(n *members.Member) {
		n.BirthDate, n.Gender = on("1975-02-02"), members.Male // a correction: counted from now on
	})
	update(y, members.Updated, func(n *members.Member) { n.Phone = "0987654321" }) // changes nothing counted
	mustMember(t, s, tr.b, "Phạm Thị Giang", "")
	update(mustMember(t, s, tr.a, "Vũ Văn Hải", ""), members.LeftEvent, func(n *members.Member) {
		n.Stints[0].To, n.Stints[0].EndedBy = on("2024-01-20"), members.LeftEvent
		n.Status = members.Left
	})
	moved := func(unit unitpath.Path, after, upTo string) []string {
		t.Helper()
		got, err := ms.MovedBetween(ctx(), unit, after, upTo)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range got.Periods {
			out = append(out, fmt.Sprintf("%s %s %s-%s %s-%s %s %d %d %v", branchName(tr, p.Stint.BranchID), p.Gender, p.Stint.From, p.Stint.To,
				p.Stint.StartedBy, p.Stint.EndedBy, "", p.BirthYear, p.JoinYear, slices.Equal(p.Path, pathOf(tr, p.Stint.BranchID))))
		}
		sort.Strings(out)
		return out
	}
	check := func(name string, got []string, want ...string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", name, got, want)
		}
	}
	aX := "A female 2020-03-08-2024-01-15 joined-transferred  1960 2020 true"
	aW := "A female 2020-03-08-2024-01-20 joined-left  1960 2020 true"
	aY := "A male 2020-03-08- joined-  1975 2020 true"
	bG := "B female 2020-03-08- joined-  1960 2020 true"
	cX := "C female 2024-01-15- transferred-  1960 2020 true"
	check("the province in January 2024", moved(tr.p34.Path, "2023-12-31", "2024-01-31"), aX, aW)
	check("the whole tree in January 2024", moved(tr.root.Path, "2023-12-31", "2024-01-31"), aX, aW, cX)
	check("a branch", moved(tr.b.Path, "2020-02-29", "2020-03-31"), bG)
	check("the province in March 2020", moved(tr.p34.Path, "2020-02-29", "2020-03-31"), aX, aW, aY, bG)
	check("a period that began and ended in the window comes once", moved(tr.p34.Path, "2020-01-01", "2024-12-31"), aX, aW, aY, bG)
	check("the window leaves its first day out and its last in", moved(tr.p34.Path, "2020-03-08", "2024-01-15"), aX)
	check("nothing moved", moved(tr.p34.Path, "2024-01-20", "2024-12-31"))

	starts := func(after, upTo string) []string {
		t.Helper()
		got, err := ms.BranchStarts(ctx(), tr.p34.Path, after, upTo)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, b := range got {
			out = append(out, b.Unit.Code+" "+b.FirstPeriod)
		}
		sort.Strings(out)
		return out
	}
	check("branches whose first period began in the window", starts("2020-02-29", "2020-03-31"), "A 2020-03-08", "B 2020-03-08")
	if got := starts("2020-03-31", "2020-04-30"); slices.Contains(got, "A 2020-03-08") || slices.Contains(got, "B 2020-03-08") {
		t.Errorf("branches that began before the window: %q", got)
	}
	// A branch with no member yet begins the day it is created (the
	// store may add others, which the caller tells apart by their days).
	mustChild(t, s, tr.c12436, units.Branch, "D")
	if got := starts(civil.Of(t0).AddDays(-1).String(), civil.Of(t0).String()); !slices.Contains(got, "D ") {
		t.Errorf("a branch created in the window: %q", got)
	}
	if got := starts("2026-01-01", "2026-01-31"); slices.Contains(got, "D ") {
		t.Errorf("a branch created after the window: %q", got)
	}
}

func branchName(tr tree, id string) string {
	switch id {
	case tr.a.ID:
		return "A"
	case tr.b.ID:
		return "B"
	case tr.c.ID:
		return "C"
	}
	return id
}

func pathOf(tr tree, id string) []string {
	switch id {
	case tr.a.ID:
		return tr.a.Path
	case tr.b.ID:
		return tr.b.Path
	case tr.c.ID:
		return tr.c.Path
	}
	return nil
}
