package units

import (
	"context"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/page"
)

// Tree reads the tree as it is stored: no rules, no caller, no counting.
// It is what the counters walk (internal/rollups), and it exists apart from
// Service so that the wiring has an order: the store, the Tree, the
// counters over it, then the services that count through them (Service
// cannot be built without its counts, and the counts need to read the tree).
type Tree struct {
	store Store
}

// NewTree returns the tree of store.
func NewTree(store Store) *Tree { return &Tree{store: store} }

// Get returns a unit by id.
func (t *Tree) Get(ctx context.Context, id string) (*Unit, error) {
	if !ids.Valid(id) {
		return nil, errs.E(errs.NotFound, "unit not found")
	}
	return t.store.GetUnit(ctx, id)
}

// Load is Get for a caller allowed act to obj at the unit, the check every
// service makes before acting at a unit (Service.Load is the same): a
// unit that does not exist and one outside c's scope are both "unit not
// found".
func (t *Tree) Load(ctx context.Context, c *access.Caller, id string, obj access.Object, act access.Action) (*Unit, error) {
	u, err := t.Get(ctx, id)
	if err == nil {
		err = c.Authorize(u.Path, obj, act, "unit")
	}
	if err != nil {
		return nil, access.NotFound(err, "unit")
	}
	return u, nil
}

// Children lists u's children in code order.
func (t *Tree) Children(ctx context.Context, u *Unit, p page.Request) (page.Result[*Unit], error) {
	return t.store.ListChildren(ctx, u.ID, p)
}
