package rollups

import (
	"context"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/scholarships"
	"github.com/sohoi/sohoi/internal/units"
)

// Issue 20's figures (internal/learning/doc.go, "Counting"): learning
// models recognised, the fund and awards are more fields of the one Tally,
// counted by the same recount from each unit's own records, marked by the
// same writes and kept in the same month ends. Each is keyed by day, so
// that one tally (the live one, or any kept day on or after the day
// asked) answers every past day by filtering on the day.

// RecordStore reads a unit's own records for a recount of its
// contribution (each an indexed read by unit id).
type RecordStore interface {
	RecognisedAt(ctx context.Context, unitID string) ([]*learning.Recognition, error)
	EntriesAt(ctx context.Context, unitID string, to civil.Date) ([]*fund.Entry, error)
	AwardsAt(ctx context.Context, unitID string, to civil.Date) ([]*scholarships.Award, error)
}

// WithRecords counts issue 20's records from rs (without it they count
// nowhere: a store that keeps none).
func WithRecords(rs RecordStore) Option { return func(s *Service) { s.records = rs } }

// addRecords adds a unit's own records as of the end of day d to t.
func (s *Service) addRecords(ctx context.Context, unitID string, t *Tally, d civil.Date) error {
	if s.records == nil {
		return nil
	}
	recognised, err := s.records.RecognisedAt(ctx, unitID)
	if err != nil {
		return err
	}
	entries, err := s.records.EntriesAt(ctx, unitID, d)
	if err != nil {
		return err
	}
	awards, err := s.records.AwardsAt(ctx, unitID, d)
	if err != nil {
		return err
	}
	own := &Tally{Learning: learning.UnitOn(recognised, d)}
	if own.Fund, err = fund.UnitOn(entries, d); err != nil {
		own.Overflow = true
	}
	if own.Awards, err = scholarships.UnitOn(awards, d); err != nil {
		own.Overflow = true
	}
	t.addRecords(own)
	return nil
}

// addRecords adds o's records figures to t, leaving empty ones nil so that
// a tally without records reads (and compares) as before.
func (t *Tally) addRecords(o *Tally) {
	t.Overflow = t.Overflow || o.Overflow
	if len(o.Learning) > 0 {
		if t.Learning == nil {
			t.Learning = learning.Contribution{}
		}
		t.Learning.Add(o.Learning)
	}
	if len(o.Fund.In)+len(o.Fund.Out) > 0 {
		if err := t.Fund.Add(o.Fund); err != nil {
			t.Overflow = true
		}
	}
	if len(o.Awards.Count)+len(o.Awards.Amount) > 0 {
		if err := t.Awards.Add(o.Awards); err != nil {
			t.Overflow = true
		}
	}
	t.normRecords()
}

// normRecords makes empty records maps nil.
func (t *Tally) normRecords() {
	if len(t.Learning) == 0 {
		t.Learning = nil
	}
	if len(t.Fund.In) == 0 {
		t.Fund.In = nil
	}
	if len(t.Fund.Out) == 0 {
		t.Fund.Out = nil
	}
	if len(t.Awards.Count) == 0 {
		t.Awards.Count = nil
	}
	if len(t.Awards.Amount) == 0 {
		t.Awards.Amount = nil
	}
}

// withRecordsOf gives t the records figures of o (the live tally, which
// holds every record: a day is read from it by filtering on the day).
func (t *Tally) withRecordsOf(o *Tally) {
	t.Learning, t.Fund, t.Awards, t.Overflow = o.Learning, o.Fund, o.Awards, o.Overflow
}

// RecordsTotals are the records' figures of a subtree at the end of a day.
type RecordsTotals struct {
	// LearningModels are the models recognised for the year of the day,
	// decided on or before it, by kind.
	LearningModels map[string]int `json:"learningModels"`
	// FundBalance is what the subtree's funds held at the end of the day.
	FundBalance int64 `json:"fundBalance"`
	// Scholarships are the awards from 1 January of the day's year to it.
	Scholarships scholarships.Figures `json:"scholarships"`
}

// RecordsTotals derives the records' figures as of d (beside Totals,
// which stays the members' figures); an error is an overflow of the
// checked sums (unreachable with real money), which a report answers
// instead of the figures.
func (t *Tally) RecordsTotals(d civil.Date) (RecordsTotals, error) {
	out := RecordsTotals{LearningModels: t.Learning.RecognisedBy(d.Year, d)}
	if t.Overflow {
		return emptyRecordsTotals(), overflow()
	}
	var err error
	if out.FundBalance, err = t.Fund.Balance(d); err != nil {
		return emptyRecordsTotals(), overflow()
	}
	if out.Scholarships, err = t.Awards.Between(civil.Date{Year: d.Year, Month: 1, Day: 1}, d); err != nil {
		return emptyRecordsTotals(), overflow()
	}
	return out, nil
}

func emptyRecordsTotals() RecordsTotals {
	return RecordsTotals{LearningModels: map[string]int{}, Scholarships: scholarships.Figures{ByLevel: map[scholarships.SchoolLevel]int{}}}
}

func overflow() error {
	return errs.E(errs.Internal, "the fund's or the awards' amounts overflow when added up; reconcile the unit")
}

// RecordsPeriod is the records' part of one row of a period report.
type RecordsPeriod struct {
	// Recognised are the models whose recognition was decided in the
	// period, by kind; RecognisedForYear those recognised for the year of
	// the period's end, decided by its end.
	Recognised        map[string]int `json:"learningModelsRecognised"`
	RecognisedForYear map[string]int `json:"learningModelsForYear"`
	// Fund is the fund's section: start + in − out = end (checked).
	Fund fund.Section `json:"fund"`
	// Scholarships are the awards of the period.
	Scholarships scholarships.Figures `json:"scholarships"`
}

// recordsPeriod is the records' part of a row from..to, from the tally of
// the end of to (which holds every record dated on or before it).
func recordsPeriod(end *Tally, from, to civil.Date) (RecordsPeriod, error) {
	p := RecordsPeriod{RecognisedForYear: end.Learning.RecognisedBy(to.Year, to), Recognised: map[string]int{}}
	before := end.Learning.RecognisedByAnyYear(from.AddDays(-1))
	for kind, n := range end.Learning.RecognisedByAnyYear(to) {
		if n -= before[kind]; n != 0 {
			p.Recognised[kind] = n
		}
	}
	if end.Overflow {
		return p, overflow()
	}
	var err error
	if p.Fund, err = end.Fund.Section(from, to); err != nil {
		return p, errs.E(errs.Internal, "%v", err)
	}
	if p.Scholarships, err = end.Awards.Between(from, to); err != nil {
		return p, overflow()
	}
	return p, nil
}

// FundBalance is a unit's study-promotion fund at the end of a day.
type FundBalance struct {
	Unit *units.Unit
	AsOf civil.Date
	// Own is the unit's own ledger's balance, counted as a recount counts
	// the unit's own records (fund.UnitOn over its entries to the day).
	Own int64
	// Subtree is its subtree's: the tally's figure, the one the rollup
	// and the period report give, never a second sum of the ledgers.
	Subtree int64
	// Pending: a change below the unit is not settled into Subtree yet
	// (as Rollup.Pending).
	Pending bool
}

// FundBalance answers unit unitID's fund balance at the end of day d
// (zero: today) for a caller allowed to read its figures: issue 20 asks
// the balance to come from the same counting as every other figure, so
// the subtree's is the rollup's and the unit's own is its own records'
// contribution, the part of the tally a recount adds for the unit itself.
func (s *Service) FundBalance(ctx context.Context, c *access.Caller, unitID string, d civil.Date) (*FundBalance, error) {
	u, err := s.loadFigures(ctx, c, unitID, d)
	if err != nil {
		return nil, err
	}
	d, t, err := s.tallyOn(ctx, u, d) // the unit's tallies only: no child is listed
	if err != nil {
		return nil, err
	}
	rec, err := t.own.RecordsTotals(d)
	if err != nil {
		return nil, err
	}
	b := &FundBalance{Unit: u, AsOf: d, Subtree: rec.FundBalance, Pending: t.pending}
	if s.records == nil {
		return b, nil
	}
	entries, err := s.records.EntriesAt(ctx, u.ID, d)
	if err != nil {
		return nil, err
	}
	own, err := fund.UnitOn(entries, d)
	if err != nil {
		return nil, overflow()
	}
	if b.Own, err = own.Balance(d); err != nil {
		return nil, overflow()
	}
	return b, nil
}
