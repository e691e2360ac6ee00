package demo

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
)

// Demo members join between 1995 (or their 18th birthday) and today, and
// some of them this year: otherwise joinedThisYear is always 0 on demo
// rolls.
func TestPersonJoinDates(t *testing.T) {
	for _, today := range []civil.Date{
		{Year: 2026, Month: time.December, Day: 3},
		{Year: 2026, Month: time.January, Day: 1},
		{Year: 2025, Month: time.June, Day: 30},
	} {
		r := rand.New(rand.NewPCG(1, 2))
		thisYear := 0
		const n = 5000
		for i := 0; i < n; i++ {
			p := Person(r, "34", today, i)
			j := p.JoinedOn
			if j.After(today) || j.Year < 1995 || j.Before(civil.Date{Year: p.BirthDate.Year + 18, Month: p.BirthDate.Month, Day: p.BirthDate.Day}) && j != today {
				t.Fatalf("today %s: born %s, joined %s", today, p.BirthDate, j)
			}
			if j.Year == today.Year {
				thisYear++
			}
		}
		if share := thisYear * 100 / n; share < 3 || share > 12 {
			t.Errorf("today %s: %d of %d joined this year", today, thisYear, n)
		}
	}
}

// Serials make national IDs unique: a run that continues after the serials
// of an earlier one makes none of the earlier IDs again.
func TestPersonNationalIDsFollowSerials(t *testing.T) {
	today := civil.Date{Year: 2026, Month: time.March, Day: 1}
	seen := map[string]bool{}
	for run := 0; run < 2; run++ {
		r := rand.New(rand.NewPCG(9, 9)) // the same random choices each run
		for i := 0; i < 20_000; i++ {
			nid := Person(r, "12", today, run*20_000+i).NationalID
			if seen[nid] {
				t.Fatalf("run %d, member %d: national ID %s made twice", run, i, nid)
			}
			seen[nid] = true
		}
	}
}
