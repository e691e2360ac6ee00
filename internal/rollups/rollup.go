package rollups

import (
	"context"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/units"
)

// Row is one unit's figures in a rollup.
type Row struct {
	Unit    *units.Unit
	Totals  Totals
	Records RecordsTotals // issue 20
}

// Rollup is a unit's totals and each child's, as of a day.
type Rollup struct {
	Unit     *units.Unit
	AsOf     civil.Date
	Totals   Totals
	Records  RecordsTotals // issue 20: learning models, the fund, scholarships
	Children []Row
	// Pending says a change at or below the unit is not settled into
	// these figures yet: the settler will count it within about a second
	// (a branch's own figures are exact once its write has answered).
	Pending bool
}

// Rollup answers the figures of unit unitID's subtree and of each child's,
// as of day d (zero: today), for a caller allowed to read its rollups. A
// day before 1900 or after today is refused: the latter's figures are not
// known yet.
func (s *Service) Rollup(ctx context.Context, c *access.Caller, unitID string, d civil.Date) (*Rollup, error) {
	u, err := s.loadFigures(ctx, c, unitID, d)
	if err != nil {
		return nil, err
	}
	return s.rollup(ctx, u, d)
}

// loadFigures loads unit unitID for a caller allowed to read its figures
// as of day d, refusing a day before 1900.
func (s *Service) loadFigures(ctx context.Context, c *access.Caller, unitID string, d civil.Date) (*units.Unit, error) {
	if !d.IsZero() && d.Year < 1900 {
		return nil, (errs.Fields{{Field: "asOf", Message: "must not be before 1900"}}).Err()
	}
	return s.units.Load(ctx, c, unitID, access.ObjRollup, access.Read)
}

// tallyOn returns u's tallies as of day d (zero: today, which it returns;
// a day after today is refused: its figures are not known yet).
func (s *Service) tallyOn(ctx context.Context, u *units.Unit, d civil.Date) (civil.Date, *dayTallies, error) {
	today := civil.Today(s.now())
	if d.After(today) {
		var f errs.Fields
		f.Add("asOf", "must not be in the future")
		return d, nil, f.Err()
	}
	if d.IsZero() {
		d = today
	}
	t, err := s.dayTallies(ctx, u, d)
	return d, t, err
}

func (s *Service) rollup(ctx context.Context, u *units.Unit, d civil.Date) (*Rollup, error) {
	d, t, err := s.tallyOn(ctx, u, d)
	if err != nil {
		return nil, err
	}
	rec, err := t.own.RecordsTotals(d)
	if err != nil {
		return nil, err
	}
	r := &Rollup{Unit: u, AsOf: d, Totals: t.own.Totals(d), Records: rec, Pending: t.pending}
	err = s.eachChildOn(ctx, u, d, func(c *units.Unit) error { // the children it had that day
		ct, ok := t.children[c.ID]
		if !ok { // a child created since the day was counted: nothing then
			ct = &Tally{}
		}
		rec, err := ct.RecordsTotals(d)
		r.Children = append(r.Children, Row{Unit: c, Totals: ct.Totals(d), Records: rec})
		return err
	})
	return r, err
}

// childTallies returns how to read the tallies of u's children for day d
// (a kept day's stored tallies come in one query), each child without a
// stored one being answered by missing: readTally for a read,
// storedTallyOf for keeping a day.
func (s *Service) childTallies(ctx context.Context, u *units.Unit, d civil.Date,
	missing func(context.Context, *units.Unit, string, civil.Date) (*Tally, error)) (func(*units.Unit) (*Tally, error), error) {
	stored := map[string]*Tally{}
	if day, keep := s.dayKey(d); keep {
		cs, err := s.store.ChildCounters(ctx, u.Path, day)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			stored[c.UnitID] = &c.Tally
		}
	}
	return func(c *units.Unit) (*Tally, error) {
		if t, ok := stored[c.ID]; ok {
			return t, nil
		}
		day, keep := s.dayKey(d)
		if !keep {
			return s.computeFromFacts(ctx, c, day, d, nil)
		}
		return missing(ctx, c, day, d)
	}, nil
}
