package rollups

import (
	"context"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/units"
)

// PeriodRow is one unit's movement over a period. It balances:
// ActiveStart + Joined + TransferredIn − Left − Died − TransferredOut =
// ActiveEnd. Transfers between two branches of the same unit count as both
// in and out of it.
type PeriodRow struct {
	Unit           *units.Unit
	ActiveStart    int
	ActiveEnd      int
	Joined         int
	Left           int
	Died           int
	TransferredIn  int
	TransferredOut int
	BranchesStart  int
	BranchesEnd    int
	// Records are issue 20's sections: learning models, the fund (start +
	// in − out = end), scholarships.
	Records RecordsPeriod
}

// Balanced reports whether the row adds up, the fund's section too.
func (r PeriodRow) Balanced() bool {
	return r.ActiveStart+r.Joined+r.TransferredIn-r.Left-r.Died-r.TransferredOut == r.ActiveEnd && r.Records.Fund.Check() == nil
}

func periodRow(u *units.Unit, start, end *Tally, from, to civil.Date) (PeriodRow, error) {
	rp, err := recordsPeriod(end, from, to)
	return PeriodRow{Unit: u, ActiveStart: start.Active, ActiveEnd: end.Active,
		Joined: end.Joined - start.Joined, Left: end.Left - start.Left, Died: end.Deceased - start.Deceased,
		TransferredIn: end.TransferredIn - start.TransferredIn, TransferredOut: end.TransferredOut - start.TransferredOut,
		BranchesStart: start.Branches, BranchesEnd: end.Branches, Records: rp}, err
}

// Period is a unit's period report: its own row and each child's.
type Period struct {
	Unit     *units.Unit
	From, To civil.Date
	Total    PeriodRow
	Children []PeriodRow
	Pending  bool // as Rollup.Pending, for either end
}

// checkPeriod validates a period's ends, naming every field at fault.
func (s *Service) checkPeriod(from, to civil.Date) error {
	var f errs.Fields
	if from.IsZero() {
		f.Add("from", "is required")
	} else if from.Year < 1900 {
		f.Add("from", "must not be before 1900")
	}
	if to.IsZero() {
		f.Add("to", "is required")
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		f.Add("to", "must not be before from")
	}
	if !to.IsZero() && to.After(civil.Today(s.now())) {
		f.Add("to", "must not be in the future")
	}
	return f.Err()
}

// PeriodReport answers the movement of u and each child from the start of
// day from to the end of day to. Both ends are read from tallies as of a
// day (the day before from, and to), so a report for whole months or
// half-years reads kept snapshots.
// The caller must be allowed to read reports at unit unitID.
func (s *Service) PeriodReport(ctx context.Context, c *access.Caller, unitID string, from, to civil.Date) (*Period, error) {
	if err := s.checkPeriod(from, to); err != nil {
		return nil, err
	}
	u, err := s.units.Load(ctx, c, unitID, access.ObjReport, access.Read)
	if err != nil {
		return nil, err
	}
	return s.periodReport(ctx, u, from, to)
}

func (s *Service) periodReport(ctx context.Context, u *units.Unit, from, to civil.Date) (*Period, error) {
	before := from.AddDays(-1)
	p := &Period{Unit: u, From: from, To: to}
	start, err := s.dayTallies(ctx, u, before)
	if err != nil {
		return nil, err
	}
	end, err := s.dayTallies(ctx, u, to)
	if err != nil {
		return nil, err
	}
	if p.Total, err = periodRow(u, start.own, end.own, from, to); err != nil {
		return nil, err
	}
	p.Pending = start.pending || end.pending
	err = s.eachChild(ctx, u, func(c *units.Unit) error {
		row, err := periodRow(c, start.child(c), end.child(c), from, to)
		p.Children = append(p.Children, row)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}
