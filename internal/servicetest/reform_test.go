package servicetest_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/demo"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/servicetest"
	"github.com/sohoi/sohoi/internal/units"
	"github.com/sohoi/sohoi/internal/units/vnadmin"
)

// byCode is a rollup's children's active and total members by unit code.
func byCode(t *testing.T, s *servicetest.Services, id string, d civil.Date) map[string][2]int {
	t.Helper()
	r, err := s.Rollups.Rollup(context.Background(), servicetest.Sys, id, d)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][2]int{}
	for _, c := range r.Children {
		out[c.Unit.Code] = [2]int{c.Totals.ActiveMembers, c.Totals.Members}
	}
	return out
}

func active(t *testing.T, s *servicetest.Services, id string, d civil.Date) int {
	t.Helper()
	r, err := s.Rollups.Rollup(context.Background(), servicetest.Sys, id, d)
	if err != nil {
		t.Fatal(err)
	}
	return r.Totals.ActiveMembers
}

// Thái Bình (34) and Hưng Yên (33) seeded from the 2025-03 tree with demo
// branches and members, June 2025 kept as month ends are, then the
// 2025-07 plan for the new Hưng Yên applied: members are neither lost nor
// doubled (active before = active in the new communes + those in branches
// waiting for assignment), the rollup as of 2025-06-30 still gives old
// Thái Bình by its old districts, today's gives the new Hưng Yên; with the
// assignments, nothing waits and old Thái Bình is closed into Hưng Yên.
func TestReformOfThaiBinhIntoHungYen(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds two provinces")
	}
	ctx := context.Background()
	s := servicetest.Open(t)
	sys := servicetest.Sys
	root, err := s.Units.Root(ctx, sys)
	if err != nil {
		t.Fatal(err)
	}
	seeded := map[string]*units.Unit{}
	for i, code := range []string{"34", "33"} {
		r, err := vnadmin.Open(vnadmin.Before2025Reform)
		if err != nil {
			t.Fatal(err)
		}
		areas, err := units.ParseAdminAreas(r, code)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Units.Seed(ctx, sys, root, areas, nil); err != nil {
			t.Fatal(err)
		}
		if seeded[code], err = s.Units.ChildByCode(ctx, sys, root.ID, code); err != nil {
			t.Fatal(err)
		}
		if _, err := demo.SeedRoll(ctx, s.Units, s.DB, demo.RollSpec{Top: seeded[code], BranchesPerCommune: 1, Members: 1500,
			Batch: 500, FirstSerial: i * 1500, Seed: uint64(i + 1), Now: time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC), Counts: s.Rollups}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Rollups.Reconcile(ctx, sys, seeded[code]); err != nil { // the batches left their branches marked
			t.Fatal(err)
		}
	}
	june := civil.Date{Year: 2025, Month: 6, Day: 30}
	if _, err := s.Rollups.CloseMonth(ctx, sys, root, june); err != nil {
		t.Fatal(err)
	}
	today := civil.Date{}
	before := active(t, s, root.ID, today)
	oldThaiBinh := byCode(t, s, seeded["34"].ID, june)
	if before == 0 || len(oldThaiBinh) < 7 {
		t.Fatalf("seeded %d active members, Thái Bình's districts %v", before, oldThaiBinh)
	}

	plan := func() []units.ReformArea {
		r, err := vnadmin.Open(vnadmin.After2025Reform)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		p, err := units.ParseReform(r, "33")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}()

	t.Run("the dry run changes nothing", func(t *testing.T) {
		changes, err := s.Units.Restructure(ctx, sys, plan, nil, true)
		if err != nil {
			t.Fatal(err)
		}
		ch := changes[0]
		if ch.CreatedCommunes != len(plan[0].Children) || ch.MovedBranches == 0 || ch.ClosedCommunes == 0 {
			t.Fatalf("dry run: %+v", ch)
		}
		if _, err := s.Units.ChildByCode(ctx, sys, seeded["33"].ID, plan[0].Children[0].Code); !errs.Is(err, errs.NotFound) {
			t.Fatalf("the dry run created a commune: %v", err)
		}
		if got := byCode(t, s, seeded["34"].ID, today); len(got) != len(oldThaiBinh) {
			t.Fatalf("the dry run changed Thái Bình: %v", got)
		}
	})

	changes, err := s.Units.Restructure(ctx, sys, plan, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	ch := changes[0]
	t.Logf("applied: %d communes created, %d branches moved (%d recoded), %d waiting, closed %d communes, %d districts, %d provinces",
		ch.CreatedCommunes, ch.MovedBranches, len(ch.Recoded), len(ch.Waiting), ch.ClosedCommunes, ch.ClosedDistricts, ch.ClosedProvinces)
	newCommunes := func() (sum int) {
		for _, nc := range plan[0].Children {
			u, err := s.Units.ChildByCode(ctx, sys, seeded["33"].ID, nc.Code)
			if err != nil {
				t.Fatalf("new commune %s: %v", nc.Code, err)
			}
			sum += active(t, s, u.ID, today)
		}
		return sum
	}
	waiting := 0
	for _, w := range ch.Waiting {
		waiting += active(t, s, w.BranchID, today)
	}
	if after := newCommunes(); after+waiting != before || after == 0 {
		t.Fatalf("active before %d, in the new communes %d, waiting %d", before, after, waiting)
	}
	if got := active(t, s, root.ID, today); got != before {
		t.Fatalf("active members of the country %d, before %d", got, before)
	}
	t.Run("June 2025 keeps old Thái Bình's shape", func(t *testing.T) {
		got := byCode(t, s, seeded["34"].ID, june)
		if len(got) != len(oldThaiBinh) {
			t.Fatalf("districts as of 2025-06-30: %v, want %v", got, oldThaiBinh)
		}
		for code, want := range oldThaiBinh {
			if got[code] != want {
				t.Errorf("district %s as of 2025-06-30: %v, want %v", code, got[code], want)
			}
		}
	})
	t.Run("today's Hưng Yên is the new one", func(t *testing.T) {
		got := byCode(t, s, seeded["33"].ID, today)
		sum := 0
		for _, nc := range plan[0].Children {
			sum += got[nc.Code][0]
		}
		if sum != newCommunes() || sum == 0 {
			t.Fatalf("the new communes of Hưng Yên count %d", sum)
		}
	})
	t.Run("assigned, nothing waits and old Thái Bình closes into Hưng Yên", func(t *testing.T) {
		assign := map[string]string{}
		for _, w := range ch.Waiting {
			assign[w.BranchID] = w.Candidates[len(w.Candidates)-1]
		}
		changes, err := s.Units.Restructure(ctx, sys, plan, assign, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(changes[0].Waiting) != 0 || changes[0].MovedBranches != len(ch.Waiting) {
			t.Fatalf("second run: %+v", changes[0])
		}
		if after := newCommunes(); after != before {
			t.Fatalf("active in the new communes %d, before %d", after, before)
		}
		tb, err := s.Units.Get(ctx, sys, seeded["34"].ID)
		if err != nil || tb.Status != units.Closed || tb.MergedInto != seeded["33"].ID {
			t.Fatalf("old Thái Bình: %+v, %v", tb, err)
		}
		if got := byCode(t, s, seeded["34"].ID, june); !maps.Equal(got, oldThaiBinh) {
			t.Fatalf("closed Thái Bình as of 2025-06-30: %v", got)
		}
		again, err := s.Units.Restructure(ctx, sys, plan, assign, false)
		if err != nil || again[0].MovedBranches != 0 || again[0].CreatedCommunes != 0 {
			t.Fatalf("a third run changed something: %+v, %v", again, err)
		}
	})
}
