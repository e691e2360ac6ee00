package rollups_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/servicetest"
	"github.com/sohoi/sohoi/internal/units"
)

// The rollups service on a real embedded store, fed by the members
// service as the API and imports feed it.

var sys = servicetest.Sys

type roll struct {
	s            *servicetest.Services
	prov, comm   *units.Unit
	a, b         *units.Unit
	today        civil.Date
	long, recent civil.Date
}

// newRoll makes province → district → commune with branches A and B, and
// on them: three members of A and one of B who joined a year ago; then
// today one joins A, one moves from A to B and one of A leaves.
func newRoll(t *testing.T) *roll {
	s := servicetest.Open(t)
	ctx := context.Background()
	r := &roll{s: s, today: civil.Today(s.Now())}
	r.prov = s.Unit(t, units.RootID, units.Province, "34")
	r.comm = s.Unit(t, s.Unit(t, r.prov.ID, units.District, "336").ID, units.Commune, "12436")
	r.a = s.Unit(t, r.comm.ID, units.Branch, "CH01")
	r.b = s.Unit(t, r.comm.ID, units.Branch, "CH02")
	a1 := s.Member(t, r.a.ID, "Nguyễn Thị An")
	a2 := s.Member(t, r.a.ID, "Trần Thị Bích")
	s.Member(t, r.a.ID, "Lê Thị Cúc")
	s.Member(t, r.b.ID, "Phạm Thị Dung")
	if _, err := s.Members.Create(ctx, sys, r.a.ID, members.Input{FullName: "Hoàng Văn Em", Gender: members.Male,
		BirthDate: civil.Date{Year: 1990, Month: 2, Day: 3}, JoinedOn: r.today}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Members.Transfer(ctx, sys, a1.ID, r.b.ID, r.today); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Members.Leave(ctx, sys, a2.ID, members.Left, r.today, "chuyển nơi ở"); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRollupCountsEveryWrite(t *testing.T) {
	r := newRoll(t)
	got, err := r.s.Rollups.Rollup(context.Background(), sys, r.comm.ID, civil.Date{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Unit.ID != r.comm.ID || got.AsOf != r.today {
		t.Fatalf("rollup of %s as of %s, want %s as of today", got.Unit.ID, got.AsOf, r.comm.ID)
	}
	tot := got.Totals
	if tot.ActiveMembers != 4 || tot.Left != 1 || tot.Members != 5 || tot.Male != 1 || tot.Female != 3 || tot.Branches != 2 || tot.JoinedThisYear < 1 {
		t.Fatalf("commune totals %+v: want 4 active (1 male, 3 female), 1 left, 5 on the rolls, 2 branches", tot)
	}
	active := map[string]int{}
	for _, ch := range got.Children {
		active[ch.Unit.Code] = ch.Totals.ActiveMembers
	}
	if len(got.Children) != 2 || active["CH01"] != 2 || active["CH02"] != 2 {
		t.Fatalf("branches %v, want CH01: 2 (3 + 1 joined − 1 moved − 1 left), CH02: 2", active)
	}
	// The province above counts the same members.
	prov, err := r.s.Rollups.Rollup(context.Background(), sys, r.prov.ID, civil.Date{})
	if err != nil || prov.Totals.ActiveMembers != 4 || prov.Totals.Branches != 2 {
		t.Fatalf("province %+v %v", prov.Totals, err)
	}
	// Yesterday nobody had joined, moved or left yet.
	past, err := r.s.Rollups.Rollup(context.Background(), sys, r.comm.ID, r.today.AddDays(-1))
	if err != nil {
		t.Fatal(err)
	}
	if past.Totals.ActiveMembers != 4 || past.Totals.Left != 0 {
		t.Fatalf("yesterday's totals %+v, want 4 active and nobody left", past.Totals)
	}
}

func fieldsOf(err error) []string {
	var e *errs.Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field+": "+f.Message)
	}
	return out
}

func TestRollupRefusesDaysWithoutFigures(t *testing.T) {
	r := newRoll(t)
	ctx := context.Background()
	for _, c := range []struct {
		day  civil.Date
		want string
	}{
		{r.today.AddDays(1), "asOf: must not be in the future"},
		{civil.Date{Year: 1899, Month: 12, Day: 31}, "asOf: must not be before 1900"},
	} {
		_, err := r.s.Rollups.Rollup(ctx, sys, r.comm.ID, c.day)
		if f := fieldsOf(err); len(f) != 1 || f[0] != c.want {
			t.Errorf("rollup as of %s: %v, want %q", c.day, err, c.want)
		}
	}
}

func TestPeriodReportBalances(t *testing.T) {
	r := newRoll(t)
	ctx := context.Background()
	p, err := r.s.Rollups.PeriodReport(ctx, sys, r.comm.ID, r.today.AddDays(-30), r.today)
	if err != nil {
		t.Fatal(err)
	}
	tot := p.Total
	// Within the commune the transfer is out of A and into B: it counts
	// both ways at the commune, and the commune still balances.
	if tot.ActiveStart != 4 || tot.Joined != 1 || tot.Left != 1 || tot.TransferredIn != 1 || tot.TransferredOut != 1 || tot.ActiveEnd != 4 {
		t.Fatalf("commune row %+v", tot)
	}
	if tot.BranchesStart != 2 || tot.BranchesEnd != 2 {
		t.Fatalf("branches %d → %d, want 2 → 2", tot.BranchesStart, tot.BranchesEnd)
	}
	rows := map[string]rollups.PeriodRow{}
	for _, ch := range p.Children {
		rows[ch.Unit.Code] = ch
	}
	if a := rows["CH01"]; a.ActiveStart != 3 || a.Joined != 1 || a.TransferredOut != 1 || a.Left != 1 || a.ActiveEnd != 2 {
		t.Fatalf("branch A %+v", a)
	}
	if b := rows["CH02"]; b.ActiveStart != 1 || b.TransferredIn != 1 || b.ActiveEnd != 2 {
		t.Fatalf("branch B %+v", b)
	}
	for _, row := range append(p.Children, p.Total) {
		if !row.Balanced() {
			t.Errorf("%s does not balance: %+v", row.Unit.Code, row)
		}
	}
	// A period before anything happened: nothing moved.
	quiet, err := r.s.Rollups.PeriodReport(ctx, sys, r.comm.ID, r.today.AddDays(-30), r.today.AddDays(-1))
	if err != nil || quiet.Total.Joined+quiet.Total.Left+quiet.Total.TransferredIn != 0 || quiet.Total.ActiveEnd != 4 {
		t.Fatalf("a quiet period %+v %v", quiet.Total, err)
	}
}

func TestPeriodReportRefusesBadPeriods(t *testing.T) {
	r := newRoll(t)
	for _, c := range []struct {
		from, to civil.Date
		want     []string
	}{
		{civil.Date{}, civil.Date{}, []string{"from: is required", "to: is required"}},
		{r.today, r.today.AddDays(-1), []string{"to: must not be before from"}},
		{r.today, r.today.AddDays(1), []string{"to: must not be in the future"}},
		{civil.Date{Year: 1899, Month: 1, Day: 1}, r.today, []string{"from: must not be before 1900"}},
	} {
		_, err := r.s.Rollups.PeriodReport(context.Background(), sys, r.comm.ID, c.from, c.to)
		got := fieldsOf(err)
		if len(got) != len(c.want) {
			t.Errorf("%s – %s: %v, want %v", c.from, c.to, err, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s – %s: %v, want %v", c.from, c.to, got, c.want)
			}
		}
	}
}

// Reconcile finds nothing to repair after ordinary writes, and repairs a
// tally damaged on purpose, so that rollups answer the true figures again.
func TestReconcileRepairsADamagedTally(t *testing.T) {
	r := newRoll(t)
	ctx := context.Background()
	if rec, err := r.s.Rollups.Reconcile(ctx, sys, r.prov); err != nil || len(rec.Repairs) != 0 {
		t.Fatalf("reconcile after ordinary writes: %+v %v, want no repairs", rec, err)
	}
	c, err := r.s.DB.GetCounter(ctx, r.a.Path, "")
	if err != nil {
		t.Fatal(err)
	}
	c.Tally.Active += 7
	if err := r.s.DB.ReplaceCounter(ctx, c); err != nil {
		t.Fatal(err)
	}
	rec, err := r.s.Rollups.Reconcile(ctx, sys, r.prov)
	if err != nil || len(rec.Repairs) == 0 {
		t.Fatalf("reconcile after damage: %+v %v, want repairs", rec, err)
	}
	got, err := r.s.Rollups.Rollup(ctx, sys, r.comm.ID, civil.Date{})
	if err != nil || got.Totals.ActiveMembers != 4 {
		t.Fatalf("after the repair: %+v %v, want 4 active", got.Totals, err)
	}
}

func TestCloseMonthKeepsAMonthEndOnce(t *testing.T) {
	r := newRoll(t)
	ctx := context.Background()
	last := civil.Date{Year: r.today.Year, Month: r.today.Month, Day: 1}.AddDays(-1)
	made, err := r.s.Rollups.CloseMonth(ctx, sys, r.prov, last)
	if err != nil || !made {
		t.Fatalf("closing %s: %v %v", last, made, err)
	}
	if _, err := r.s.DB.GetCounter(ctx, r.a.Path, last.String()); err != nil {
		t.Fatalf("the branch's kept tally for %s: %v", last, err)
	}
	if made, err := r.s.Rollups.CloseMonth(ctx, sys, r.prov, last); err != nil || made {
		t.Fatalf("closing twice: %v %v, want nothing counted", made, err)
	}
	if _, err := r.s.Rollups.CloseMonth(ctx, sys, r.prov, last.AddDays(-1)); !errs.Is(err, errs.Validation) {
		t.Fatalf("closing a day that is not a month end: %v, want validation_failed", err)
	}
}
