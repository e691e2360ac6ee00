package learning

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sohoi/sohoi/internal/civil"
)

// Contribution is what a unit's own recognitions add to its tally (the
// analogue of rollups.BranchOn for members): recognised models counted by
// kind, the year they were recognised for, and the day of the decision,
// under the key "kind|year|YYYY-MM-DD" (Key). It adds up the tree like the
// tally's other histograms (Add), and a day's figures are read from it by
// filtering on the decision day (RecognisedBy), so one stored tally (the
// live one) answers every past day — the way the tally's PostsFrom does.
// It grows with the days on which decisions were taken, not with the
// records.
type Contribution map[string]int

// Key is the contribution key of a model of kind recognised for year on
// day.
func Key(kind string, year int, day civil.Date) string {
	return fmt.Sprintf("%s|%d|%s", kind, year, day)
}

// UnitOn is the contribution of a unit's own records as of the end of day
// d (the zero day: every decision, the live tally): those recognised on or
// before d. Records still proposed or assessed, and refused ones, count
// nowhere.
func UnitOn(own []*Recognition, d civil.Date) Contribution {
	c := Contribution{}
	for _, r := range own {
		on := r.RecognisedOn()
		if on.IsZero() || !d.IsZero() && on.After(d) {
			continue
		}
		c[Key(r.Kind, r.Year, on)]++
	}
	return c
}

// Add adds o to c.
func (c Contribution) Add(o Contribution) {
	for k, n := range o {
		c[k] += n
	}
}

// RecognisedBy counts, by kind, the models recognised for year with a
// decision taken on or before day d.
func (c Contribution) RecognisedBy(year int, d civil.Date) map[string]int {
	out := map[string]int{}
	day, y := d.String(), strconv.Itoa(year)
	for k, n := range c {
		kind, rest, _ := strings.Cut(k, "|")
		ky, kday, _ := strings.Cut(rest, "|")
		if ky == y && kday <= day {
			out[kind] += n
		}
	}
	return out
}

// RecognisedByAnyYear counts, by kind, the models recognised (for any
// year) with a decision taken on or before day d: a period's decisions
// are the difference of two such days.
func (c Contribution) RecognisedByAnyYear(d civil.Date) map[string]int {
	out := map[string]int{}
	day := d.String()
	for k, n := range c {
		kind, rest, _ := strings.Cut(k, "|")
		_, kday, _ := strings.Cut(rest, "|")
		if kday <= day {
			out[kind] += n
		}
	}
	return out
}
