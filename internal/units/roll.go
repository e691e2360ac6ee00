package units

import (
	"context"

	"github.com/sohoi/sohoi/internal/unitpath"
)

// Roll says how many active members a branch still holds, so that a
// branch with members on its roll is not closed. The units package cannot
// read rolls itself (members imports units); members.ActiveRoll adapts
// the members store to it.
type Roll interface {
	// ActiveMembers counts the active members of the branch at path
	// branch, stopping at max: the count is exact below max, and "max or
	// more" at max.
	ActiveMembers(ctx context.Context, branch unitpath.Path, max int) (int, error)
}

// TreeStore is what the units service writes through: the units and the
// rewrite of every copy of a moved subtree's path.
type TreeStore interface {
	Store
	PathRewriter
}
