package records

import (
	"context"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/page"
)

const entryWhat = "fund entry"

// EntryInput is a ledger line as a client enters it.
type EntryInput struct {
	Date      civil.Date
	Amount    int64
	Direction fund.Direction
	Party     string
	Receipt   string
	Note      string
}

// AddEntry adds a contribution or a payment to the ledger of unit
// unitID, where the caller must be allowed to keep the fund. A payment
// may not leave the fund short on its day or any later one
// (fund.Validate).
func (s *Service) AddEntry(ctx context.Context, c *access.Caller, unitID string, in EntryInput) (*fund.Entry, error) {
	u, err := s.openUnit(ctx, c, unitID, access.ObjFund)
	if err != nil {
		return nil, err
	}
	e := &fund.Entry{ID: ids.New(), UnitID: u.ID, Path: u.Path, Date: in.Date, Amount: in.Amount, Direction: in.Direction,
		Party: in.Party, Receipt: in.Receipt, Note: in.Note, RecordedBy: actorID(c)}
	return e, s.addEntry(ctx, c, e)
}

// Reversal is the correction of an entry: its day (default today), what
// it corrects, and its own voucher number if it has one.
type Reversal struct {
	Date    civil.Date
	Note    string
	Receipt string
}

// Reverse cancels entry id by a reversing entry of the same unit,
// direction and amount: a ledger is corrected, never edited. The caller
// must be allowed to keep the fund of the entry's unit.
func (s *Service) Reverse(ctx context.Context, c *access.Caller, id string, in Reversal) (*fund.Entry, error) {
	orig, err := s.entry(ctx, c, id, access.Write)
	if err != nil {
		return nil, err
	}
	if in.Date.IsZero() {
		in.Date = civil.Today(s.now())
	}
	e := &fund.Entry{ID: ids.New(), UnitID: orig.UnitID, Path: orig.Path, Date: in.Date, Amount: orig.Amount, Direction: orig.Direction,
		Party: orig.Party, Receipt: in.Receipt, Reverses: orig.ID, Note: in.Note, RecordedBy: actorID(c)}
	return e, s.addEntry(ctx, c, e)
}

// addEntry validates e against its unit's ledger and stores it, marking
// the counters from its date (a reversal from its own: the days before
// are not rewritten).
func (s *Service) addEntry(ctx context.Context, c *access.Caller, e *fund.Entry) error {
	ledger, err := s.store.EntriesAt(ctx, e.UnitID, civil.Date{})
	if err != nil {
		return err
	}
	if err := fund.Validate(e, ledger); err != nil {
		return err
	}
	ae := entry(c, audit.Create, audit.ObjFundEntry, e.ID, e.Path, nil, FieldsOf(e))
	return s.write(ctx, e.Path, e.Date, fundFacts, ae, func(ctx context.Context) error { return s.store.AddEntry(ctx, e) })
}

// entry finds a ledger entry and authorises act on the fund of its unit.
func (s *Service) entry(ctx context.Context, c *access.Caller, id string, act access.Action) (*fund.Entry, error) {
	if !ids.Valid(id) {
		return nil, errs.E(errs.NotFound, "%s not found", entryWhat)
	}
	e, err := s.store.GetEntry(ctx, id)
	if err == nil {
		err = c.Authorize(e.Path, access.ObjFund, act, entryWhat)
	}
	if err != nil {
		return nil, access.NotFound(err, entryWhat)
	}
	return e, nil
}

// GetEntry returns a ledger entry the caller may read.
func (s *Service) GetEntry(ctx context.Context, c *access.Caller, id string) (*fund.Entry, error) {
	return s.entry(ctx, c, id, access.Read)
}

// ListEntries lists the entries of unit unitID's subtree dated from..to
// (zero: unbounded), by date.
func (s *Service) ListEntries(ctx context.Context, c *access.Caller, unitID string, from, to civil.Date, p page.Request) (page.Result[*fund.Entry], error) {
	u, err := s.units.Load(ctx, c, unitID, access.ObjFund, access.Read)
	if err != nil {
		return page.Result[*fund.Entry]{}, err
	}
	if err := checkPeriod(from, to); err != nil {
		return page.Result[*fund.Entry]{}, err
	}
	return s.store.ListEntries(ctx, u.Path, from, to, p)
}

// Balance is what a unit's fund held at the end of a day: its own
// ledger's, and its subtree's (its own and every unit's below it).
type Balance struct {
	UnitID  string     `json:"unitId"`
	AsOf    civil.Date `json:"asOf"`
	Own     int64      `json:"own"`
	Subtree int64      `json:"subtree"`
	// Pending: a change below the unit is not counted into Subtree yet
	// (the settler counts it within about a second).
	Pending bool `json:"pending"`
}

// Balance is the balance of unit unitID at the end of day asOf (zero:
// today): a figure, which whoever may read the unit's figures may read.
// It is read from the counting (Figures), as the rollup's fundBalance
// is, so the two can never disagree.
func (s *Service) Balance(ctx context.Context, c *access.Caller, unitID string, asOf civil.Date) (*Balance, error) {
	b, err := s.figures.FundBalance(ctx, c, unitID, asOf)
	if err != nil {
		return nil, err
	}
	return &Balance{UnitID: b.Unit.ID, AsOf: b.AsOf, Own: b.Own, Subtree: b.Subtree, Pending: b.Pending}, nil
}

func checkPeriod(from, to civil.Date) error {
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return errs.Fields{{Field: "to", Message: "must not be before from"}}.Err()
	}
	return nil
}
