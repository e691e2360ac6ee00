package units

import (
	"context"

	"github.com/sohoi/sohoi/internal/page"
)

// Store keeps units. Implementations: internal/store/sqlite and
// internal/store/mongo; both pass internal/store/storetest.
type Store interface {
	// CreateUnit inserts u. A sibling with the same code, or an existing id,
	// is errs.Conflict.
	CreateUnit(ctx context.Context, u *Unit) error
	// GetUnit returns the unit or errs.NotFound.
	GetUnit(ctx context.Context, id string) (*Unit, error)
	// GetChildByCode finds a child of parentID by its code, or errs.NotFound.
	GetChildByCode(ctx context.Context, parentID, code string) (*Unit, error)
	// UpdateUnit writes u's parent, path, name, code, status and
	// mergedInto if the stored version is u.Version-1 (a move writes the
	// parent and the path of the unit it moves; RewritePaths the rest): errs.VersionMismatch when it is not,
	// errs.NotFound when the unit is gone, errs.Conflict on a sibling code.
	UpdateUnit(ctx context.Context, u *Unit) error
	// ListChildren lists the children of parentID ordered by code.
	ListChildren(ctx context.Context, parentID string, p page.Request) (page.Result[*Unit], error)
	// MoveHistory keeps the moves, for reading the tree as it was on a
	// past day (history.go).
	MoveHistory
}
