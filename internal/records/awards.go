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
	"github.com/sohoi/sohoi/internal/scholarships"
)

// AwardInput is an award as a client enters it.
type AwardInput struct {
	Date      civil.Date
	Student   scholarships.Student
	Amount    int64
	InKind    string
	FundEntry string
	Title     string
}

// CreateAward records an award made by unit unitID, where the caller must
// be allowed to keep scholarships. An award of money names the payment out
// of the unit's fund that paid it (same amount and day), and a payment
// pays one award.
func (s *Service) CreateAward(ctx context.Context, c *access.Caller, unitID string, in AwardInput) (*scholarships.Award, error) {
	u, err := s.openUnit(ctx, c, unitID, access.ObjScholarship)
	if err != nil {
		return nil, err
	}
	a := &scholarships.Award{ID: ids.New(), UnitID: u.ID, Path: u.Path, Date: in.Date, Student: in.Student, Amount: in.Amount,
		InKind: in.InKind, FundEntry: in.FundEntry, Title: in.Title}
	var paid *fund.Entry
	if in.FundEntry != "" && ids.Valid(in.FundEntry) {
		paid, err = s.store.GetEntry(ctx, in.FundEntry)
		if errs.Is(err, errs.NotFound) {
			paid, err = nil, nil
		}
		if err != nil {
			return nil, err
		}
	}
	if err := scholarships.Validate(a, paid); err != nil {
		return nil, err
	}
	e := entry(c, audit.Create, audit.ObjAward, a.ID, a.Path, nil, FieldsOf(a))
	if err := s.write(ctx, a.Path, a.Date, awardFacts, e, func(ctx context.Context) error { return s.store.CreateAward(ctx, a) }); err != nil {
		return nil, err
	}
	return a, nil
}

// ListAwards lists the awards of unit unitID's subtree dated from..to
// (zero: unbounded), by date.
func (s *Service) ListAwards(ctx context.Context, c *access.Caller, unitID string, from, to civil.Date, p page.Request) (page.Result[*scholarships.Award], error) {
	u, err := s.units.Load(ctx, c, unitID, access.ObjScholarship, access.Read)
	if err != nil {
		return page.Result[*scholarships.Award]{}, err
	}
	if err := checkPeriod(from, to); err != nil {
		return page.Result[*scholarships.Award]{}, err
	}
	return s.store.ListAwards(ctx, u.Path, from, to, p)
}
