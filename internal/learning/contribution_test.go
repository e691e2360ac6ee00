package learning

import (
	"maps"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
)

func TestUnitOnCountsRecognisedModelsByTheDayOfTheDecision(t *testing.T) {
	rec := func(kind string, year int, status Status, on string) *Recognition {
		r := &Recognition{Kind: kind, Year: year, Status: status}
		if on != "" {
			r.Decision = &Decision{On: day(on)}
		}
		return r
	}
	own := []*Recognition{
		rec("family", 2022, Recognised, "2022-03-10"),
		rec("family", 2022, Recognised, "2022-06-30"),
		rec("family", 2022, Recognised, "2022-07-01"),
		rec("family", 2021, Recognised, "2022-01-15"), // last year's, decided late
		rec("clan", 2022, Recognised, "2022-06-30"),
		rec("family", 2022, Refused, "2022-05-01"),
		rec("family", 2022, Assessed, ""),
		rec("family", 2022, Proposed, ""),
	}
	cases := []struct {
		asOf string // "" live
		year int
		want map[string]int
	}{
		{"2022-06-30", 2022, map[string]int{"family": 2, "clan": 1}},
		{"2022-07-01", 2022, map[string]int{"family": 3, "clan": 1}},
		{"2022-03-09", 2022, map[string]int{}},
		{"2022-12-31", 2021, map[string]int{"family": 1}},
		{"", 2022, map[string]int{"family": 3, "clan": 1}},
	}
	live := UnitOn(own, civil.Date{})
	for _, c := range cases {
		d := civil.MustParse("2022-12-31")
		if c.asOf != "" {
			d = day(c.asOf)
			// The day's own contribution and the live one read as of the
			// day agree: one stored (live) tally answers every past day.
			if got := UnitOn(own, d).RecognisedBy(c.year, d); !maps.Equal(got, c.want) {
				t.Errorf("UnitOn(%s) year %d = %v, want %v", c.asOf, c.year, got, c.want)
			}
		}
		if got := live.RecognisedBy(c.year, d); !maps.Equal(got, c.want) {
			t.Errorf("live as of %s year %d = %v, want %v", d, c.year, got, c.want)
		}
	}
	// Adding up the tree: a parent's contribution is the sum.
	sum := Contribution{}
	sum.Add(live)
	sum.Add(UnitOn(own[:1], civil.Date{}))
	if got := sum.RecognisedBy(2022, day("2022-12-31"))["family"]; got != 4 {
		t.Fatalf("sum of two units: %d families", got)
	}
}
