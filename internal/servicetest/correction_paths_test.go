package servicetest_test

import (
	"context"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/servicetest"
	"github.com/sohoi/sohoi/internal/units"
)

// A correction of a counted fact (here the gender) changes the past of
// every branch the member was in, not only today's: a kept month end of
// the branch the member left is recounted too, and a reconcile then finds
// nothing to repair. Through one correction and through a batch (an
// import's corrections).
func TestACorrectionRecountsTheBranchesTheMemberLeft(t *testing.T) {
	male := members.Male
	for _, c := range []struct {
		name    string
		correct func(ctx context.Context, s *servicetest.Services, c *access.Caller, m *members.Member) error
	}{
		{"one correction", func(ctx context.Context, s *servicetest.Services, c *access.Caller, m *members.Member) error {
			_, err := s.Members.Update(ctx, c, m.ID, members.Patch{Gender: &male}, 0)
			return err
		}},
		{"a batch", func(ctx context.Context, s *servicetest.Services, c *access.Caller, m *members.Member) error {
			_, failed, err := s.Members.UpdateBatch(ctx, c, "job", []members.Edit{{ID: m.ID, Patch: members.Patch{Gender: &male}}})
			if err == nil {
				err = failed[0]
			}
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			s := servicetest.Open(t)
			sys := servicetest.Sys
			prov := s.Unit(t, units.RootID, units.Province, "34")
			comm := s.Unit(t, prov.ID, units.Commune, "12436")
			a := s.Unit(t, comm.ID, units.Branch, "A")
			b := s.Unit(t, comm.ID, units.Branch, "B")
			m := s.Member(t, a.ID, "Nguyễn Thị Hoa") // female, in A since a year ago
			today := civil.Today(s.Now())
			moved, err := s.Members.Transfer(ctx, sys, m.ID, b.ID, today.AddDays(-20))
			if err != nil {
				t.Fatal(err)
			}
			// the end of a month when she was in A, kept by its first reading
			back := today.AddDays(-100)
			monthEnd := civil.Date{Year: back.Year, Month: back.Month, Day: 1}.AddDays(-1)
			count := func(u *units.Unit) (female, male int) {
				t.Helper()
				r, err := s.Rollups.Rollup(ctx, sys, u.ID, monthEnd)
				if err != nil {
					t.Fatal(err)
				}
				return r.Totals.Female, r.Totals.Male
			}
			if f, m := count(a); f != 1 || m != 0 {
				t.Fatalf("A on %v before the correction: %d female, %d male; want 1, 0", monthEnd, f, m)
			}
			// by B's chair, who cannot see A
			if err := c.correct(ctx, s, s.Caller(t, access.Editor, b), moved); err != nil {
				t.Fatal(err)
			}
			if f, m := count(a); f != 0 || m != 1 {
				t.Errorf("A on %v after the correction: %d female, %d male; want 0, 1", monthEnd, f, m)
			}
			rec, err := s.Rollups.Reconcile(ctx, sys, prov)
			if err != nil {
				t.Fatal(err)
			}
			if len(rec.Repairs) != 0 {
				t.Errorf("reconcile repaired %+v: the correction left tallies behind", rec.Repairs)
			}
		})
	}
}
