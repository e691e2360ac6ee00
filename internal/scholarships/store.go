package scholarships

import (
	"context"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Store keeps awards. Implementations (to come): internal/store/sqlite and
// internal/store/mongo, both passing internal/store/storetest. A fund entry
// pays one award: a unique index on fundEntry where not empty
// (errs.Conflict), so two awards cannot claim one payment even when
// entered at once.
type Store interface {
	// CreateAward inserts a, already checked by Validate with its entry.
	CreateAward(ctx context.Context, a *Award) error
	// GetAward returns the award or errs.NotFound.
	GetAward(ctx context.Context, id string) (*Award, error)
	// AwardsAt lists one unit's own awards dated on or before to (zero:
	// all), for a recount of its contribution (index: unitId, date, id).
	AwardsAt(ctx context.Context, unitID string, to civil.Date) ([]*Award, error)
	// ListAwards lists a subtree's awards dated from..to, by date then id
	// (index: path, date, id).
	ListAwards(ctx context.Context, top unitpath.Path, from, to civil.Date, p page.Request) (page.Result[*Award], error)
}
