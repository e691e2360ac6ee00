package fund

import (
	"context"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Store keeps the ledgers: append-only, there is no update and no delete.
// Implementations (to come): internal/store/sqlite and internal/store/mongo,
// both passing internal/store/storetest. Every rule that two concurrent
// writers could break is a unique index, so that no transaction is needed:
//
//   - (unitId, year of date, direction, receipt) where receipt is not
//     empty: a receipt number is used once (errs.Conflict);
//   - reverses, where not empty: an entry is reversed once (errs.Conflict).
type Store interface {
	// AddEntry inserts e, already checked by Validate against EntriesAt.
	AddEntry(ctx context.Context, e *Entry) error
	// GetEntry returns the entry or errs.NotFound.
	GetEntry(ctx context.Context, id string) (*Entry, error)
	// EntriesAt lists one unit's own entries dated on or before to (zero:
	// all), by date then id (index: unitId, date, id): what Validate and a
	// recount of the unit's contribution read.
	EntriesAt(ctx context.Context, unitID string, to civil.Date) ([]*Entry, error)
	// ListEntries lists the entries of a subtree dated from..to (zero:
	// unbounded), by date then id (index: path, date, id).
	ListEntries(ctx context.Context, top unitpath.Path, from, to civil.Date, p page.Request) (page.Result[*Entry], error)
}
