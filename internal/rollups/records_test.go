package rollups

import (
	"math"
	"reflect"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/scholarships"
)

// Two units' records add up the tree, and any day or period is read from
// the one tally by filtering on the day.
func TestRecordsAddUpAndAnswerAnyDay(t *testing.T) {
	d := civil.MustParse
	branch := &Tally{
		Learning: learning.Contribution{"family|2025|2025-04-01": 2, "family|2024|2024-11-20": 1, "clan|2025|2025-06-10": 1},
		Fund:     fund.Contribution{In: map[string]int64{"2025-01-10": 10_000_000, "2025-02-15": -3_000_000}, Out: map[string]int64{"2025-05-30": 1_500_000}},
		Awards:   scholarships.Contribution{Count: map[string]int{"primary|2025-05-30": 1}, Amount: map[string]int64{"2025-05-30": 1_500_000}},
	}
	commune := &Tally{Fund: fund.Contribution{In: map[string]int64{"2024-12-31": 2_000_000}}}
	total := &Tally{}
	total.Add(branch)
	total.Add(commune)
	total.Add(&Tally{}) // a unit without records adds nothing, and leaves no empty maps
	if total.Overflow || len(total.Learning) != 3 || total.Fund.In["2024-12-31"] != 2_000_000 {
		t.Fatalf("added up: %+v", total)
	}
	cases := []struct {
		day      string
		balance  int64
		families int
		awards   int
	}{
		{"2024-12-31", 2_000_000, 1, 0}, // the 2024 family, for the year 2024
		{"2025-01-10", 12_000_000, 0, 0},
		{"2025-02-15", 9_000_000, 0, 0},
		{"2025-04-01", 9_000_000, 2, 0},
		{"2025-05-30", 7_500_000, 2, 1},
	}
	for _, c := range cases {
		rt, err := total.RecordsTotals(d(c.day))
		if err != nil || rt.FundBalance != c.balance || rt.LearningModels["family"] != c.families || rt.Scholarships.Awards != c.awards {
			t.Errorf("%s: %+v %v", c.day, rt, err)
		}
	}
	p, err := recordsPeriod(total, d("2025-01-01"), d("2025-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	want := fund.Section{From: d("2025-01-01"), To: d("2025-06-30"), Start: 2_000_000, In: 7_000_000, Out: 1_500_000, End: 7_500_000}
	if p.Fund != want || p.Fund.Check() != nil {
		t.Fatalf("fund section %+v, want %+v", p.Fund, want)
	}
	if !reflect.DeepEqual(p.Recognised, map[string]int{"family": 2, "clan": 1}) || !reflect.DeepEqual(p.RecognisedForYear, map[string]int{"family": 2, "clan": 1}) {
		t.Fatalf("recognised %v, for the year %v", p.Recognised, p.RecognisedForYear)
	}
	if p.Scholarships.Awards != 1 || p.Scholarships.Amount != 1_500_000 || p.Scholarships.ByLevel[scholarships.Primary] != 1 {
		t.Fatalf("scholarships %+v", p.Scholarships)
	}
	// A tally whose sums overflow is an error, never a wrapped figure.
	huge := &Tally{Fund: fund.Contribution{In: map[string]int64{"2025-01-01": math.MaxInt64}}}
	huge.Add(&Tally{Fund: fund.Contribution{In: map[string]int64{"2025-01-01": 1}}})
	if _, err := huge.RecordsTotals(d("2025-12-31")); !huge.Overflow || !errs.Is(err, errs.Internal) {
		t.Fatalf("an overflow: %v (flag %v)", err, huge.Overflow)
	}
	// Stored and recounted tallies compare equal whether their maps are
	// empty or missing.
	if !equal(&Tally{Fund: fund.Contribution{In: map[string]int64{}}}, &Tally{}) {
		t.Fatal("an empty ledger differs from none")
	}
}
