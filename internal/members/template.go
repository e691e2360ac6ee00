package members

import (
	"context"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/units"
)

// Template is what an import's empty roll shows: the unit, the day, and
// the open branches a row may name.
type Template struct {
	Unit     *units.Unit
	Day      civil.Date
	Branches []*units.Unit
}

// Template is the empty roll to fill in for an import at unit unitID; the
// caller must be allowed to read imports there.
func (s *Service) Template(ctx context.Context, c *access.Caller, unitID string) (*Template, error) {
	u, branches, err := s.units.Branches(ctx, c, unitID, access.ObjImport, access.Read)
	if err != nil {
		return nil, err
	}
	return &Template{Unit: u, Day: civil.Today(s.now()), Branches: branches}, nil
}
