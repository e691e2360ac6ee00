package fund

import (
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Balance is what the fund held at the end of day d (zero d: everything
// entered): everything in on or before d minus everything out.
func (c Contribution) Balance(d civil.Date) (int64, error) {
	in, err := between(c.In, dayZero, d)
	if err != nil {
		return 0, err
	}
	out, err := between(c.Out, dayZero, d)
	if err != nil {
		return 0, err
	}
	return sub(in, out)
}

// Section is the fund's part of a period report: the balance at the start
// (the end of the day before from), what came in and went out from from
// to to (reversals netted on their own days), and the balance at the end
// of to.
type Section struct {
	From  civil.Date `json:"from"`
	To    civil.Date `json:"to"`
	Start int64      `json:"start"`
	In    int64      `json:"in"`
	Out   int64      `json:"out"`
	End   int64      `json:"end"`
}

// Section computes the period from..to (both required, from ≤ to) and
// checks that it balances.
func (c Contribution) Section(from, to civil.Date) (Section, error) {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return Section{}, errs.Fields{{Field: "from", Message: "a period needs from ≤ to"}}.Err()
	}
	s := Section{From: from, To: to}
	var err error
	if s.Start, err = c.Balance(from.AddDays(-1)); err != nil {
		return s, err
	}
	if s.In, err = between(c.In, from, to); err != nil {
		return s, err
	}
	if s.Out, err = between(c.Out, from, to); err != nil {
		return s, err
	}
	if s.End, err = c.Balance(to); err != nil {
		return s, err
	}
	return s, s.Check()
}

// Check verifies start + in − out = end, with checked arithmetic: a
// section that does not balance is never reported.
func (s Section) Check() error {
	sum, err := add(s.Start, s.In)
	if err == nil {
		sum, err = sub(sum, s.Out)
	}
	if err != nil {
		return err
	}
	if sum != s.End {
		return errs.E(errs.Internal, "the fund section %s–%s does not balance: %d + %d − %d ≠ %d", s.From, s.To, s.Start, s.In, s.Out, s.End)
	}
	return nil
}

// BalanceOf is the balance of one unit's own ledger as of d.
func BalanceOf(unitID string, entries []*Entry, d civil.Date) (int64, error) {
	var own []*Entry
	for _, e := range entries {
		if e.UnitID == unitID {
			own = append(own, e)
		}
	}
	c, err := UnitOn(own, d)
	if err != nil {
		return 0, err
	}
	return c.Balance(d)
}

// SubtreeBalance is the balance of every ledger in the subtree whose top
// has path top, as of d: the figure a rollup gives from tallies, computed
// here from the entries themselves, as an oracle for tests of the
// counting (the service reads the balance from the tallies).
func SubtreeBalance(top unitpath.Path, entries []*Entry, d civil.Date) (int64, error) {
	var in []*Entry
	for _, e := range entries {
		if e.Path.IsWithin(top) {
			in = append(in, e)
		}
	}
	c, err := UnitOn(in, d)
	if err != nil {
		return 0, err
	}
	return c.Balance(d)
}
