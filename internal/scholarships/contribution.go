package scholarships

import (
	"fmt"
	"strings"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/fund"
)

// Contribution is what awards add to a tally: awards counted by school
// level and day ("level|YYYY-MM-DD") and the amounts of those in money by
// day. Like fund.Contribution it adds up the tree and answers any day or
// period by filtering on the day.
type Contribution struct {
	Count  map[string]int   `json:"count,omitempty"`
	Amount map[string]int64 `json:"amount,omitempty"`
}

// UnitOn is the contribution of a unit's own awards dated on or before d
// (zero d: all, the live tally). An error is an overflow.
func UnitOn(awards []*Award, d civil.Date) (Contribution, error) {
	c := Contribution{Count: map[string]int{}, Amount: map[string]int64{}}
	for _, a := range awards {
		if !d.IsZero() && a.Date.After(d) {
			continue
		}
		day := a.Date.String()
		c.Count[fmt.Sprintf("%s|%s", a.Student.Level, day)]++
		if a.InMoney() {
			sum, err := fund.AddVND(c.Amount[day], a.Amount)
			if err != nil {
				return Contribution{}, err
			}
			c.Amount[day] = sum
		}
	}
	return c, nil
}

// Add adds o to c.
func (c *Contribution) Add(o Contribution) error {
	if c.Count == nil {
		c.Count = map[string]int{}
	}
	if c.Amount == nil {
		c.Amount = map[string]int64{}
	}
	for k, n := range o.Count {
		c.Count[k] += n
	}
	for day, v := range o.Amount {
		sum, err := fund.AddVND(c.Amount[day], v)
		if err != nil {
			return err
		}
		c.Amount[day] = sum
	}
	return nil
}

// Figures are a period's awards: how many by school level and in all, and
// the money paid.
type Figures struct {
	ByLevel map[SchoolLevel]int `json:"byLevel"`
	Awards  int                 `json:"awards"`
	Amount  int64               `json:"amount"`
}

// Between is the figures of the awards dated from..to (zero: unbounded).
func (c Contribution) Between(from, to civil.Date) (Figures, error) {
	out := Figures{ByLevel: map[SchoolLevel]int{}}
	in := func(day string) bool {
		return (from.IsZero() || day >= from.String()) && (to.IsZero() || day <= to.String())
	}
	for k, n := range c.Count {
		level, day, _ := strings.Cut(k, "|")
		if in(day) {
			out.ByLevel[SchoolLevel(level)] += n
			out.Awards += n
		}
	}
	for day, v := range c.Amount {
		if in(day) {
			var err error
			if out.Amount, err = fund.AddVND(out.Amount, v); err != nil {
				return Figures{}, err
			}
		}
	}
	return out, nil
}
