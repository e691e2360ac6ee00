package servicetest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/servicetest"
	"github.com/sohoi/sohoi/internal/units"
)

// An export reads the roll page by page: over more than two pages it
// yields every member once, in the order the list gives, and a
// branch's code for each; stopping early stops the reading.
func TestExportReadsEveryPageInTheOfficialOrder(t *testing.T) {
	s := servicetest.Open(t)
	ctx := context.Background()
	p := s.Unit(t, units.RootID, units.Province, "34")
	c := s.Unit(t, p.ID, units.Commune, "HL")
	b1 := s.Unit(t, c.ID, units.Branch, "PM")
	b2 := s.Unit(t, c.ID, units.Branch, "TD")
	const n = 2*page.MaxLimit + 37
	for i := range n {
		b := b1
		if i%3 == 0 {
			b = b2
		}
		s.Member(t, b.ID, fmt.Sprintf("Nguyễn Văn %s", string(rune('A'+i%26))+fmt.Sprint(i)))
	}
	var listed []string
	q := members.Query{Page: page.Request{Limit: page.MaxLimit}}
	for {
		res, err := s.Members.List(ctx, servicetest.Sys, c.ID, "", q)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range res.Items {
			listed = append(listed, m.ID)
		}
		if res.Next == "" {
			break
		}
		q.Page.Cursor = res.Next
	}
	viewer := s.Caller(t, access.Viewer, c)
	roll, err := s.Members.Export(ctx, viewer, c.ID, []members.Status{members.Active})
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for m, err := range roll.Members {
		if err != nil {
			t.Fatal(err)
		}
		if i >= len(listed) || m.ID != listed[i] {
			t.Fatalf("member %d: %s, the list has %v", i, m.ID, listed[min(i, len(listed)-1)])
		}
		if b := roll.Branch(m.BranchID); b == nil || (b.Code != "PM" && b.Code != "TD") {
			t.Fatalf("branch of %s: %+v", m.ID, b)
		}
		i++
	}
	if i != n || len(listed) != n {
		t.Fatalf("exported %d, listed %d, want %d", i, len(listed), n)
	}
	if roll.Unit.ID != c.ID || roll.Day != civil.Today(s.Now()) {
		t.Errorf("roll of %s on %s", roll.Unit.ID, roll.Day)
	}
	stopped := 0
	for range roll.Members {
		stopped++
		if stopped == 3 {
			break
		}
	}
	if stopped != 3 {
		t.Errorf("stopped after %d", stopped)
	}
}
