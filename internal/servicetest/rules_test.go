package servicetest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/servicetest"
	"github.com/sohoi/sohoi/internal/units"
)

// The rules that handlers used to hold, now decided by the services for
// any caller: an import or a job calling the services meets them too.

type twoCommunes struct {
	s          *servicetest.Services
	c1, c2     *units.Unit
	b1, b1b    *units.Unit
	b2         *units.Unit
	editorC1   *access.Caller
	viewerBoth *access.Caller
	today      civil.Date
}

func newTwoCommunes(t *testing.T) *twoCommunes {
	s := servicetest.Open(t)
	d := s.Unit(t, s.Unit(t, units.RootID, units.Province, "34").ID, units.District, "336")
	w := &twoCommunes{s: s, c1: s.Unit(t, d.ID, units.Commune, "12436"), c2: s.Unit(t, d.ID, units.Commune, "12437"),
		today: civil.Today(s.Now())}
	w.b1 = s.Unit(t, w.c1.ID, units.Branch, "CH01")
	w.b1b = s.Unit(t, w.c1.ID, units.Branch, "CH02")
	w.b2 = s.Unit(t, w.c2.ID, units.Branch, "CH01")
	w.editorC1 = s.Caller(t, access.Editor, w.c1)
	return w
}

func detailOf(err error) (string, []errs.FieldError) {
	var e *errs.Error
	if errors.As(err, &e) {
		return e.Detail, e.Fields
	}
	return "", nil
}

// A transfer needs write rights on both branches: a target outside the
// caller's scope is "no such branch", one where it may only read is
// forbidden, and the member stays where it was.
func TestTransferNeedsWriteOnBothBranches(t *testing.T) {
	w := newTwoCommunes(t)
	ctx := context.Background()
	m := w.s.Member(t, w.b1.ID, "Nguyễn Thị An")
	_, err := w.s.Members.Transfer(ctx, w.editorC1, m.ID, w.b2.ID, w.today)
	if _, f := detailOf(err); len(f) != 1 || f[0].Field != "toBranchId" || f[0].Message != "no such branch" {
		t.Fatalf("a transfer out of scope: %v, want toBranchId: no such branch", err)
	}
	// Editor at C1, and a viewer's grant on C2 as well: C2 is seen, not written.
	usr := &access.User{ID: "u-two-grants", Username: "two.grants", Grants: []access.Grant{
		{Role: access.Editor, UnitID: w.c1.ID, Path: w.c1.Path}, {Role: access.Viewer, UnitID: w.c2.ID, Path: w.c2.Path}}}
	if _, err := w.s.Members.Transfer(ctx, w.s.Authz.Caller(usr), m.ID, w.b2.ID, w.today); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("a transfer to a branch the caller only reads: %v, want forbidden", err)
	}
	if got, _ := w.s.Members.Get(ctx, servicetest.Sys, m.ID); got.BranchID != w.b1.ID || got.Version != m.Version {
		t.Fatalf("a refused transfer changed the member: %+v", got)
	}
	if moved, err := w.s.Members.Transfer(ctx, w.editorC1, m.ID, w.b1b.ID, w.today); err != nil || moved.BranchID != w.b1b.ID {
		t.Fatalf("a transfer within the editor's commune: %+v %v", moved, err)
	}
}

// The other holder of a national ID is named only to a caller who may
// read that member.
func TestDuplicateNationalIDNamesTheHolderOnlyInScope(t *testing.T) {
	w := newTwoCommunes(t)
	ctx := context.Background()
	in := members.Input{FullName: "Trần Văn Bình", Gender: members.Male, BirthDate: civil.Date{Year: 1970, Month: 3, Day: 4}, NationalID: "034070001234"}
	holder, err := w.s.Members.Create(ctx, servicetest.Sys, w.b2.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.s.Members.Create(ctx, w.editorC1, w.b1.ID, in)
	detail, fields := detailOf(err)
	if !errs.Is(err, errs.DuplicateNationalID) || strings.Contains(detail, holder.ID) || len(fields) != 1 || strings.Contains(fields[0].Message, holder.ID) {
		t.Fatalf("a duplicate held outside the caller's scope: %v, want no word of where", err)
	}
	editorD := w.s.Caller(t, access.Editor, &units.Unit{ID: w.c1.ParentID, Path: w.c1.Path.Parent()})
	_, err = w.s.Members.Create(ctx, editorD, w.b1.ID, in)
	if detail, _ := detailOf(err); !errs.Is(err, errs.DuplicateNationalID) || !strings.Contains(detail, holder.ID) || !strings.Contains(detail, w.b2.ID) {
		t.Fatalf("a duplicate held in the caller's scope: %v, want the holder and its branch named", err)
	}
}

// A list's branchId must be a branch within the listed unit.
func TestListBranchMustLieInTheUnit(t *testing.T) {
	w := newTwoCommunes(t)
	ctx := context.Background()
	w.s.Member(t, w.b1.ID, "Lê Thị Cúc")
	w.s.Member(t, w.b1b.ID, "Phạm Thị Dung")
	res, err := w.s.Members.List(ctx, w.editorC1, w.c1.ID, w.b1b.ID, members.Query{Page: page.Request{Limit: 10}})
	if err != nil || len(res.Items) != 1 || res.Items[0].BranchID != w.b1b.ID {
		t.Fatalf("one branch of the commune: %v %v", res.Items, err)
	}
	for _, other := range []string{w.b2.ID, w.c1.ID, "nonsense"} {
		_, err := w.s.Members.List(ctx, servicetest.Sys, w.c1.ID, other, members.Query{Page: page.Request{Limit: 10}})
		if _, f := detailOf(err); len(f) != 1 || f[0].Field != "branchId" {
			t.Errorf("branchId %s: %v, want a validation error on branchId", other, err)
		}
	}
}

// A history does not name the accounts or branches of other subtrees: a
// member who moved in from C2 shows where it came from only to a reader
// who may see C2.
func TestHistoryHidesWhatLiesOutsideTheReadersScope(t *testing.T) {
	w := newTwoCommunes(t)
	ctx := context.Background()
	editorC2 := w.s.Caller(t, access.Editor, w.c2)
	m, err := w.s.Members.Create(ctx, editorC2, w.b2.ID, members.Input{FullName: "Vũ Thị Thu", BirthDate: civil.Date{Year: 1985, Month: 1, Day: 1}, JoinedOn: w.today.AddDays(-10)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.Members.Transfer(ctx, servicetest.Sys, m.ID, w.b1.ID, w.today); err != nil {
		t.Fatal(err)
	}
	evs, _, err := w.s.Members.History(ctx, w.editorC1, m.ID, page.Request{Limit: 10})
	if err != nil || len(evs) != 2 {
		t.Fatalf("history: %v %v", evs, err)
	}
	joined, moved := evs[0], evs[1]
	if !joined.ActorHidden || joined.ActorID != "" || !joined.ToBranchHidden || joined.ToBranchID != "" {
		t.Fatalf("the join in C2 as C1's editor sees it: %+v", joined)
	}
	if !moved.FromBranchHidden || moved.FromBranchID != "" || moved.ToBranchHidden || moved.ToBranchID != w.b1.ID {
		t.Fatalf("the transfer as C1's editor sees it: %+v", moved)
	}
	// The system sees everything.
	all, _, err := w.s.Members.History(ctx, servicetest.Sys, m.ID, page.Request{Limit: 10})
	if err != nil || all[0].ActorHidden || all[0].ActorID != editorC2.User.ID || all[1].FromBranchID != w.b2.ID {
		t.Fatalf("the history as the system sees it: %+v %v", all, err)
	}
}
