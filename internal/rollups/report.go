package rollups

import (
	"context"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/units"
)

// PeriodRow is one unit's movement over a period. It balances:
// ActiveStart + Joined + TransferredIn + RestructuredIn − Left − Died −
// TransferredOut − RestructuredOut = ActiveEnd. Transfers between two
// branches of the same unit count as both in and out of it.
type PeriodRow struct {
	Unit           *units.Unit
	ActiveStart    int
	ActiveEnd      int
	Joined         int
	Left           int
	Died           int
	TransferredIn  int
	TransferredOut int
	// RestructuredIn and RestructuredOut are the active members of the
	// units that moves (a merge, a reform plan) brought into the unit's
	// subtree or took out of it during the period: the members stayed in
	// their branches, so they are neither joins nor leaves nor transfers
	// (restructured.go).
	RestructuredIn  int
	RestructuredOut int
	BranchesStart   int
	BranchesEnd     int
	// Records are issue 20's sections: learning models, the fund (start +
	// in − out = end), scholarships.
	Records RecordsPeriod
}

// Balanced reports whether the row adds up, the fund's section too.
func (r PeriodRow) Balanced() bool {
	return r.ActiveStart+r.Joined+r.TransferredIn+r.RestructuredIn-r.Left-r.Died-r.TransferredOut-r.RestructuredOut == r.ActiveEnd &&
		r.Records.Fund.Check() == nil
}

// periodRow is a unit's movement from its tallies at both ends and what
// moves brought in and took out (the subtrees' tallies as they moved):
// the flows of a moved subtree up to its move are its history, not the
// unit's movement over the period.
func periodRow(u *units.Unit, start, end *Tally, moved flows, from, to civil.Date) (PeriodRow, error) {
	rp, err := recordsPeriod(end, from, to)
	in, out := orEmpty(moved.in), orEmpty(moved.out) // no move: nothing
	return PeriodRow{Unit: u, ActiveStart: start.Active, ActiveEnd: end.Active,
		Joined:         end.Joined - start.Joined - in.Joined + out.Joined,
		Left:           end.Left - start.Left - in.Left + out.Left,
		Died:           end.Deceased - start.Deceased - in.Deceased + out.Deceased,
		TransferredIn:  end.TransferredIn - start.TransferredIn - in.TransferredIn + out.TransferredIn,
		TransferredOut: end.TransferredOut - start.TransferredOut - in.TransferredOut + out.TransferredOut,
		RestructuredIn: in.Active, RestructuredOut: out.Active,
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
	moved, err := s.restructured(ctx, u, from, to)
	if err != nil {
		return nil, err
	}
	if p.Total, err = periodRow(u, start.own, end.own, moved[u.ID], from, to); err != nil {
		return nil, err
	}
	p.Pending = start.pending || end.pending
	// The children it had at either end: a reform's new communes and the
	// old districts it emptied both have a row.
	listed := map[string]bool{}
	row := func(c *units.Unit) error {
		if listed[c.ID] {
			return nil
		}
		listed[c.ID] = true
		row, err := periodRow(c, start.child(c), end.child(c), moved[c.ID], from, to)
		p.Children = append(p.Children, row)
		return err
	}
	if err := s.eachChildOn(ctx, u, to, row); err != nil {
		return nil, err
	}
	if err := s.eachChildOn(ctx, u, before, row); err != nil {
		return nil, err
	}
	return p, nil
}
