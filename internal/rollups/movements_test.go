package rollups

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// A branch's tally on any day is its tally on the month end before plus
// the periods that began or ended in between, for every kind of period
// (joined or transferred in; open, transferred out, left, died), every
// gender and unknown birth years, and periods that begin and end within
// one window.
func TestMonthEndPlusMovementsIsTheDay(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	start := civil.MustParse("2015-01-01")
	genders := []members.Gender{members.Female, members.Male, members.Other}
	starts := []members.EventType{members.Joined, members.Transferred}
	ends := []members.EventType{members.Transferred, members.LeftEvent, members.Died}
	var everyone []*members.Member
	for i := range 300 {
		m := &members.Member{Gender: genders[i%3], JoinedOn: start.AddDays(rng.IntN(3000))}
		if i%7 != 0 {
			m.BirthDate = civil.Date{Year: 1940 + rng.IntN(60), Month: 1, Day: 1}
		}
		from := start.AddDays(rng.IntN(3000))
		for range 1 + rng.IntN(3) {
			st := members.Stint{BranchID: "A", From: from, StartedBy: starts[rng.IntN(2)]}
			if rng.IntN(3) > 0 { // ended, sometimes within days
				st.To = from.AddDays(rng.IntN([]int{5, 40, 900}[rng.IntN(3)]))
				st.EndedBy = ends[rng.IntN(3)]
			}
			if rng.IntN(4) == 0 {
				st.BranchID = "B" // another branch: never counted in A
			}
			m.Stints = append(m.Stints, st)
			if st.To.IsZero() {
				break
			}
			from = st.To
		}
		everyone = append(everyone, m)
	}
	for range 200 {
		day := start.AddDays(rng.IntN(3300))
		after := monthEndBefore(civil.Date{Year: day.Year, Month: day.Month, Day: 1}.AddDays(40))
		for _, e := range []civil.Date{monthEndBefore(day), after} { // from the month end before, and back from the one after
			lo, hi := e, day
			if day.Before(e) {
				lo, hi = day, e
			}
			got := BranchOn("A", civil.MustParse("2099-01-01"), everyone, e)
			for _, m := range everyone {
				for _, st := range m.Stints {
					if st.BranchID != "A" || !movedIn(st, lo, hi) {
						continue
					}
					p := MovedPeriod{Path: []string{"A"}, Gender: m.Gender, BirthYear: m.BirthDate.Year, JoinYear: m.JoinedOn.Year, Stint: st}
					got.addPeriod(p, day, 1)
					got.addPeriod(p, e, -1)
				}
			}
			got.prune()
			want := BranchOn("A", civil.MustParse("2099-01-01"), everyone, day)
			got.Branches, want.Branches = 0, 0
			if fmt.Sprint(*got) != fmt.Sprint(*want) {
				t.Fatalf("%s from %s plus movements:\n%+v\nwant\n%+v", day, e, *got, *want)
			}
		}
	}
}

func TestMonthEndBefore(t *testing.T) {
	for _, c := range []struct{ day, want string }{
		{"2024-03-17", "2024-02-29"}, {"2024-03-01", "2024-02-29"}, {"2024-03-31", "2024-02-29"},
		{"2025-01-01", "2024-12-31"}, {"2023-03-15", "2023-02-28"},
	} {
		if got := monthEndBefore(civil.MustParse(c.day)).String(); got != c.want {
			t.Errorf("monthEndBefore(%s) = %s, want %s", c.day, got, c.want)
		}
	}
}

func TestBranchCountsFromItsFirstDay(t *testing.T) {
	// branchCounts mirrors BranchOn's Branches for every combination.
	created := civil.MustParse("2020-06-15")
	for _, first := range []string{"", "2019-01-01", "2020-06-15", "2021-01-01"} {
		var everyone []*members.Member
		if first != "" {
			everyone = []*members.Member{{Stints: []members.Stint{{BranchID: "A", From: civil.MustParse(first), StartedBy: members.Joined}}}}
		}
		for _, day := range []string{"2018-12-31", "2019-01-01", "2020-06-14", "2020-06-15", "2020-12-31", "2021-01-01"} {
			d := civil.MustParse(day)
			want := BranchOn("A", created, everyone, d).Branches == 1
			b := BranchStart{Unit: unitCreated(created), FirstPeriod: first}
			if got := branchCounts(b, d); got != want {
				t.Errorf("first period %q, created %s, on %s: counts %v, want %v", first, created, day, got, want)
			}
		}
	}
}

// unitCreated is an active branch created at noon UTC of day d (the same
// day in Vietnam).
func unitCreated(d civil.Date) *units.Unit {
	return &units.Unit{ID: "A", Path: unitpath.Path{"A"}, Level: units.Branch, Status: units.Active, CreatedAt: time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)}
}
