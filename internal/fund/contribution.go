package fund

import (
	"github.com/sohoi/sohoi/internal/civil"
)

var dayZero civil.Date

// Contribution is what entries add to a tally: the net amounts in and out
// per day ("YYYY-MM-DD"), a reversal netted on its own day. It adds up the
// tree like the tally's other day-keyed figures (Add) and answers any day
// and any period by filtering on the day (Balance, Section), so the live
// tally answers every past day. It grows with the days that have entries,
// not with the entries.
type Contribution struct {
	In  map[string]int64 `json:"in,omitempty"`
	Out map[string]int64 `json:"out,omitempty"`
}

// UnitOn is the contribution of a unit's own entries (or any set of
// entries) dated on or before d; the zero d is every entry (the live
// tally). An error is an overflow.
func UnitOn(entries []*Entry, d civil.Date) (Contribution, error) {
	c := Contribution{In: map[string]int64{}, Out: map[string]int64{}}
	for _, e := range entries {
		if !d.IsZero() && e.Date.After(d) {
			continue
		}
		m := c.In
		if e.Direction == Out {
			m = c.Out
		}
		day := e.Date.String()
		sum, err := add(m[day], e.Effect())
		if err != nil {
			return Contribution{}, err
		}
		m[day] = sum
	}
	return c, nil
}

// Add adds o to c (a parent's contribution is its own plus its
// children's). The sums are checked: an error leaves c partly added.
func (c *Contribution) Add(o Contribution) error {
	if c.In == nil {
		c.In = map[string]int64{}
	}
	if c.Out == nil {
		c.Out = map[string]int64{}
	}
	for _, pair := range [][2]map[string]int64{{c.In, o.In}, {c.Out, o.Out}} {
		for day, v := range pair[1] {
			s, err := add(pair[0][day], v)
			if err != nil {
				return err
			}
			pair[0][day] = s
		}
	}
	return nil
}

// between sums m over the days from..to (either zero: unbounded).
func between(m map[string]int64, from, to civil.Date) (int64, error) {
	var sum int64
	for day, v := range m {
		if !from.IsZero() && day < from.String() || !to.IsZero() && day > to.String() {
			continue
		}
		var err error
		if sum, err = add(sum, v); err != nil {
			return 0, err
		}
	}
	return sum, nil
}
