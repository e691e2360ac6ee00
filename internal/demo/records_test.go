package demo_test

import (
	"context"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/demo"
	"github.com/sohoi/sohoi/internal/servicetest"
	"github.com/sohoi/sohoi/internal/units"
)

// The demo's records make a province's half-year report read like the
// article's: models recognised, a fund that balances, scholarships.
func TestSeedRecordsMakesAHalfYearThatBalances(t *testing.T) {
	s := servicetest.Open(t)
	ctx := context.Background()
	p := s.Unit(t, units.RootID, units.Province, "34")
	for _, code := range []string{"12436", "12437"} {
		c := s.Unit(t, p.ID, units.Commune, code)
		s.Unit(t, c.ID, units.Branch, "CH01")
		s.Unit(t, c.ID, units.Branch, "CH02")
	}
	made, err := demo.SeedRecords(ctx, s.Units, s.Records, demo.RecordsSpec{Top: p, Year: 2025, FamiliesPerCommune: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if made.Communes != 2 || made.Recognised != 2*3+1 || made.Refused != 2 || made.Awards < 4 {
		t.Fatalf("made %+v", made)
	}
	rep, err := s.Rollups.PeriodReport(ctx, access.System("test"), p.ID, civil.MustParse("2025-01-01"), civil.MustParse("2025-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Total.Records
	if !rep.Total.Balanced() || r.Fund.Start != 0 || r.Fund.In == 0 || r.Fund.Out == 0 || r.Fund.End <= 0 ||
		r.RecognisedForYear["family"] != 6 || r.RecognisedForYear["clan"] != 1 || r.Scholarships.Awards != made.Awards {
		t.Fatalf("the half-year: %+v", r)
	}
	if _, err := demo.SeedRecords(ctx, s.Units, s.Records, demo.RecordsSpec{Top: p, Year: 2025, FamiliesPerCommune: 3, Seed: 1}); err == nil {
		t.Fatal("a second run for the same year was taken")
	}
	again, _ := s.Rollups.PeriodReport(ctx, access.System("test"), p.ID, civil.MustParse("2025-01-01"), civil.MustParse("2025-06-30"))
	if again.Total.Records.Fund != r.Fund {
		t.Fatalf("the second run changed the fund: %+v", again.Total.Records.Fund)
	}
}
