package officers_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/servicetest"
	"github.com/sohoi/sohoi/internal/units"
)

// The officers service on a real embedded store, called as an import or
// a restructure job will call it: no HTTP in between.

var sys = servicetest.Sys

type tree struct {
	s               *servicetest.Services
	comm, other     *units.Unit
	branch, otherBr *units.Unit
	today           civil.Date
}

func newTree(t *testing.T) *tree {
	s := servicetest.Open(t)
	p := s.Unit(t, units.RootID, units.Province, "34")
	d := s.Unit(t, p.ID, units.District, "336")
	tr := &tree{s: s, comm: s.Unit(t, d.ID, units.Commune, "12436"), other: s.Unit(t, d.ID, units.Commune, "12437"),
		today: civil.Today(s.Now())}
	tr.branch = s.Unit(t, tr.comm.ID, units.Branch, "CH01")
	tr.otherBr = s.Unit(t, tr.other.ID, units.Branch, "CH01")
	return tr
}

func date(y int, m time.Month, d int) civil.Date { return civil.Date{Year: y, Month: m, Day: d} }

func fieldOf(err error) string {
	var e *errs.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		return e.Fields[0].Field + ": " + e.Fields[0].Message
	}
	return ""
}

func TestOneChairAtATime(t *testing.T) {
	tr := newTree(t)
	ctx := context.Background()
	first, err := tr.s.Officers.Create(ctx, sys, tr.comm.ID, "", officers.Input{FullName: "Nguyễn Thị Mai", Position: officers.Chair, From: date(2020, 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tr.s.Officers.Create(ctx, sys, tr.comm.ID, "", officers.Input{FullName: "Trần Thị Hồng", Position: officers.Chair, From: date(2024, 6, 1)})
	if !errs.Is(err, errs.Conflict) {
		t.Fatalf("a second chair over an open term: %v, want conflict", err)
	}
	// A vice chair beside the chair is fine; so is a chair at another unit.
	if _, err := tr.s.Officers.Create(ctx, sys, tr.comm.ID, "", officers.Input{FullName: "Trần Thị Hồng", Position: officers.ViceChair, From: date(2024, 6, 1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.s.Officers.Create(ctx, sys, tr.other.ID, "", officers.Input{FullName: "Lê Văn Nam", Position: officers.Chair, From: date(2024, 6, 1)}); err != nil {
		t.Fatal(err)
	}
	// Once the first term ends, the next chair may follow it.
	end := date(2024, 5, 31)
	if _, err := tr.s.Officers.Update(ctx, sys, first.ID, officers.Patch{To: &end}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.s.Officers.Create(ctx, sys, tr.comm.ID, "", officers.Input{FullName: "Trần Thị Hồng", Position: officers.Chair, From: date(2024, 6, 1)}); err != nil {
		t.Fatalf("a chair after the last one's term: %v", err)
	}
	// Moving the old term back over the new one is refused.
	open := civil.Date{}
	if _, err := tr.s.Officers.Update(ctx, sys, first.ID, officers.Patch{To: &open}, 0); !errs.Is(err, errs.Conflict) {
		t.Fatalf("reopening the old chair's term over the new one: %v, want conflict", err)
	}
}

func TestPostOfAMemberShowsTheRollsName(t *testing.T) {
	tr := newTree(t)
	ctx := context.Background()
	m := tr.s.Member(t, tr.branch.ID, "Phạm Thị Lan")
	o, err := tr.s.Officers.Create(ctx, sys, tr.comm.ID, m.ID, officers.Input{FullName: "ignored", Position: officers.Secretary, From: date(2023, 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if o.FullName != "Phạm Thị Lan" || o.MemberID != m.ID {
		t.Fatalf("post %+v: want the member's name and id", o)
	}
	// A correction on the roll shows on the post at once.
	name := "Phạm Thị Lan Anh"
	if _, err := tr.s.Members.Update(ctx, sys, m.ID, members.Patch{FullName: &name}, 0); err != nil {
		t.Fatal(err)
	}
	got, err := tr.s.Officers.Get(ctx, sys, o.ID)
	if err != nil || got.FullName != name {
		t.Fatalf("post after the roll's correction: %+v %v, want %q", got, err, name)
	}
	list, err := tr.s.Officers.List(ctx, sys, tr.comm.ID, false)
	if err != nil || len(list) != 1 || list[0].FullName != name {
		t.Fatalf("list after the roll's correction: %v %v", list, err)
	}
	// The name is the roll's: it is corrected there, not on the post.
	if _, err := tr.s.Officers.Update(ctx, sys, o.ID, officers.Patch{FullName: &name}, 0); fieldOf(err) == "" || !errs.Is(err, errs.Validation) {
		t.Fatalf("renaming a member's post: %v, want a validation error on fullName", err)
	}
	// And who holds the post never changes.
	other := "x"
	if _, err := tr.s.Officers.Update(ctx, sys, o.ID, officers.Patch{MemberID: &other}, 0); fieldOf(err) != "memberId: cannot be changed; end this post and create another" {
		t.Fatalf("changing a post's member: %v", err)
	}
}

func TestPostHolderMustBeAnActiveMemberBelowTheUnitInScope(t *testing.T) {
	tr := newTree(t)
	ctx := context.Background()
	elsewhere := tr.s.Member(t, tr.otherBr.ID, "Đỗ Văn Hải")
	gone := tr.s.Member(t, tr.branch.ID, "Vũ Thị Thu")
	if _, err := tr.s.Members.Leave(ctx, sys, gone.ID, members.Left, tr.today, ""); err != nil {
		t.Fatal(err)
	}
	in := officers.Input{Position: officers.Committee, From: date(2024, 1, 1)}
	if _, err := tr.s.Officers.Create(ctx, sys, tr.comm.ID, elsewhere.ID, in); fieldOf(err) != "memberId: is not a member of this unit or a unit below it" {
		t.Fatalf("a member of another commune: %v", err)
	}
	if _, err := tr.s.Officers.Create(ctx, sys, tr.comm.ID, gone.ID, in); fieldOf(err) != "memberId: is not an active member" {
		t.Fatalf("a member who left: %v", err)
	}
	// An editor of the commune cannot learn of a member elsewhere: to it
	// the member does not exist.
	editor := tr.s.Caller(t, access.Editor, tr.comm)
	if _, err := tr.s.Officers.Create(ctx, editor, tr.comm.ID, elsewhere.ID, in); fieldOf(err) != "memberId: no such member" {
		t.Fatalf("a member outside the editor's scope: %v", err)
	}
	if list, _ := tr.s.Officers.List(ctx, sys, tr.comm.ID, false); len(list) != 0 {
		t.Fatalf("refused posts were stored: %v", list)
	}
}

func TestListCurrentPostsFirstByRank(t *testing.T) {
	tr := newTree(t)
	ctx := context.Background()
	for _, in := range []officers.Input{
		{FullName: "Hoàng Văn Cũ", Position: officers.Chair, From: date(2010, 1, 1), To: date(2015, 12, 31)},
		{FullName: "Bùi Thị Phó", Position: officers.ViceChair, From: date(2022, 1, 1)},
		{FullName: "Ngô Thị Chủ", Position: officers.Chair, From: date(2022, 1, 1)},
	} {
		if _, err := tr.s.Officers.Create(ctx, sys, tr.comm.ID, "", in); err != nil {
			t.Fatal(err)
		}
	}
	all, err := tr.s.Officers.List(ctx, sys, tr.comm.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range all {
		names = append(names, o.FullName)
	}
	if want := []string{"Ngô Thị Chủ", "Bùi Thị Phó", "Hoàng Văn Cũ"}; len(names) != 3 || names[0] != want[0] || names[1] != want[1] || names[2] != want[2] {
		t.Fatalf("order %v, want %v", names, want)
	}
	current, err := tr.s.Officers.List(ctx, sys, tr.comm.ID, true)
	if err != nil || len(current) != 2 {
		t.Fatalf("current posts: %v %v, want the two held today", current, err)
	}
	for _, o := range current {
		if !o.Current || !o.HeldOn(tr.today) || o.UnitID != tr.comm.ID {
			t.Fatalf("%+v is not held today at the commune", o)
		}
	}
	if all[2].Current {
		t.Fatalf("a term that ended in 2015 is current: %+v", all[2])
	}
}

func TestUpdateHonoursIfMatchAndDeleteRemoves(t *testing.T) {
	tr := newTree(t)
	ctx := context.Background()
	o, err := tr.s.Officers.Create(ctx, sys, tr.comm.ID, "", officers.Input{FullName: "Lý Thị Xuân", Position: officers.Standing, From: date(2023, 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	label := "2022-2027"
	next, err := tr.s.Officers.Update(ctx, sys, o.ID, officers.Patch{TermLabel: &label}, o.Version)
	if err != nil || next.Version != o.Version+1 || next.TermLabel != label || next.UnitID != tr.comm.ID || !next.Current {
		t.Fatalf("update: %+v %v", next, err)
	}
	if _, err := tr.s.Officers.Update(ctx, sys, o.ID, officers.Patch{TermLabel: &label}, o.Version); !errs.Is(err, errs.VersionMismatch) {
		t.Fatalf("a stale If-Match: %v, want version_mismatch", err)
	}
	if err := tr.s.Officers.Delete(ctx, sys, o.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.s.Officers.Get(ctx, sys, o.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("a deleted post: %v, want not found", err)
	}
	if err := tr.s.Officers.Delete(ctx, sys, o.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("deleting twice: %v, want not found", err)
	}
}

// Posts are counted: the rollup of the unit and of everything above it
// follows creations, ended terms and deletions.
func TestPostsAreCountedInRollups(t *testing.T) {
	tr := newTree(t)
	ctx := context.Background()
	officersAt := func(u *units.Unit) int {
		t.Helper()
		r, err := tr.s.Rollups.Rollup(ctx, sys, u.ID, civil.Date{})
		if err != nil {
			t.Fatal(err)
		}
		return r.Totals.Officers
	}
	a, err := tr.s.Officers.Create(ctx, sys, tr.comm.ID, "", officers.Input{FullName: "Mai Văn Tùng", Position: officers.Chair, From: date(2023, 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.s.Officers.Create(ctx, sys, tr.branch.ID, "", officers.Input{FullName: "Cao Thị Nga", Position: officers.Chair, From: date(2023, 1, 1)}); err != nil {
		t.Fatal(err)
	}
	if n := officersAt(tr.comm); n != 2 {
		t.Fatalf("officers in the commune's subtree: %d, want 2", n)
	}
	ended := tr.today.AddDays(-1)
	if _, err := tr.s.Officers.Update(ctx, sys, a.ID, officers.Patch{To: &ended}, 0); err != nil {
		t.Fatal(err)
	}
	if n := officersAt(tr.comm); n != 1 {
		t.Fatalf("after a term ended yesterday: %d, want 1", n)
	}
	if err := tr.s.Officers.Delete(ctx, sys, a.ID); err != nil {
		t.Fatal(err)
	}
	if n := officersAt(tr.branch); n != 1 {
		t.Fatalf("the branch's own post: %d, want 1", n)
	}
}
