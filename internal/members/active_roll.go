package members

import (
	"context"

	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// ActiveRoll is units.Roll over a members store: the units service asks
// it before closing a branch.
func ActiveRoll(store Store) units.Roll { return activeRoll{store} }

type activeRoll struct{ store Store }

func (r activeRoll) ActiveMembers(ctx context.Context, branch unitpath.Path, max int) (int, error) {
	res, err := r.store.ListMembers(ctx, Query{Path: branch, Statuses: []Status{Active}, Page: page.Request{Limit: max}})
	return len(res.Items), err
}
