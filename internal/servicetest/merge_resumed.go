package servicetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// CrashingStore fails the path rewrites after the first Allow calls, as a
// crash part-way through a move would leave the store.
type CrashingStore struct {
	app.Store
	Allow atomic.Int64
}

// RewritePaths implements units.PathRewriter, crashing when no call is
// allowed any more.
func (s *CrashingStore) RewritePaths(ctx context.Context, from, to unitpath.Path, after string, limit int) (string, error) {
	if s.Allow.Add(-1) < 0 {
		return "", errors.New("crashed")
	}
	return s.Store.RewritePaths(ctx, from, to, after, limit)
}

// MergeResumedScenario merges a commune into another (a clash of branch
// codes among their branches) once uninterrupted, and again on fresh
// stores interrupted after 0, 1 and 3 path rewrites and then asked for
// again: each ends exactly as the uninterrupted one, its move facts
// included (the period report's restructured members are counted once).
// open gives fresh services over a fresh store wrapped by wrap.
func MergeResumedScenario(t *testing.T, open func(t *testing.T, wrap func(app.Store) app.Store) *Services) {
	ctx := context.Background()
	fixture := func(t *testing.T, s *Services) (target, source *units.Unit, ids []string) {
		root, err := s.Units.Root(ctx, Sys)
		if err != nil {
			t.Fatal(err)
		}
		prov := s.Unit(t, root.ID, units.Province, "34")
		target, source = s.Unit(t, prov.ID, units.Commune, "12436"), s.Unit(t, prov.ID, units.Commune, "12439")
		for _, parent := range []*units.Unit{target, source} {
			for _, code := range []string{"A", "B" + parent.Code[4:]} { // both communes have an A
				b := s.Unit(t, parent.ID, units.Branch, code)
				for i := range 2 {
					m, err := s.Members.Create(ctx, Sys, b.ID, members.Input{FullName: fmt.Sprintf("Hội viên %s %s %d", parent.Code, code, i),
						Gender: members.Female, BirthDate: civil.Date{Year: 1980, Month: 5, Day: 17}, JoinedOn: civil.Date{Year: 2020, Month: 1, Day: 1}})
					if err != nil {
						t.Fatal(err)
					}
					ids = append(ids, m.ID)
				}
			}
		}
		return target, source, ids
	}
	// outcome is the tree, the members and the year's report after the
	// merge, in codes and names, so that two stores compare as text.
	outcome := func(t *testing.T, s *Services, target, source *units.Unit, ids []string) string {
		var out []string
		for _, u := range []*units.Unit{target, source} {
			got, err := s.Units.Get(ctx, Sys, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s %s merged:%t", got.Code, got.Status, got.MergedInto == target.ID))
			res, err := s.Units.OpenChildren(ctx, Sys, u.ID, true, page.Request{Limit: page.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, c := range res.Items {
				codes = append(codes, c.Code)
			}
			out = append(out, strings.Join(codes, ","))
		}
		for _, id := range ids {
			m, err := s.Members.Get(ctx, Sys, id)
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.Units.Get(ctx, Sys, m.BranchID)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s in %s (under the target %t)", m.FullName, b.Code, m.Path.Contains(target.ID)))
		}
		p, err := s.Rollups.PeriodReport(ctx, Sys, target.ID, civil.Date{Year: 2025, Month: 1, Day: 1}, civil.Today(s.Now()))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range append(p.Children, p.Total) {
			if !r.Balanced() {
				t.Errorf("row %s does not balance: %+v", r.Unit.Code, r)
			}
			out = append(out, fmt.Sprintf("%s: start %d, restructured in %d, out %d, end %d", r.Unit.Code, r.ActiveStart, r.RestructuredIn, r.RestructuredOut, r.ActiveEnd))
		}
		return strings.Join(out, "\n")
	}

	whole := open(t, nil)
	target, source, ids := fixture(t, whole)
	if _, err := whole.Units.Merge(ctx, Sys, target.ID, []string{source.ID}); err != nil {
		t.Fatal(err)
	}
	want := outcome(t, whole, target, source, ids)
	if !strings.Contains(want, "12436: start 4, restructured in 4, out 0, end 8") {
		t.Fatalf("the uninterrupted merge:\n%s", want)
	}
	for _, allow := range []int64{0, 1, 3} {
		t.Run(fmt.Sprintf("after %d rewrite steps", allow), func(t *testing.T) {
			var cs *CrashingStore
			s := open(t, func(st app.Store) app.Store { cs = &CrashingStore{Store: st}; cs.Allow.Store(1 << 40); return cs })
			target, source, ids := fixture(t, s)
			cs.Allow.Store(allow)
			if _, err := s.Units.Merge(ctx, Sys, target.ID, []string{source.ID}); err == nil {
				t.Fatal("the merge did not stop")
			}
			cs.Allow.Store(1 << 40)
			if _, err := s.Units.Merge(ctx, Sys, target.ID, []string{source.ID}); err != nil {
				t.Fatal(err)
			}
			if got := outcome(t, s, target, source, ids); got != want {
				t.Fatalf("resumed:\n%s\nuninterrupted:\n%s", got, want)
			}
		})
	}
}
