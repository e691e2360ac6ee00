// Package counting is the hook by which a change keeps derived counters
// current (internal/rollups provides it): the units, members and officers
// services mark what a change touches before they store it, and settle it
// after.
package counting

import (
	"context"

	"github.com/sohoi/sohoi/internal/civil"
)

// Counts keeps derived counters in step with changes. Mark is called before
// a change is stored, with the paths (root first) of the units it touches
// and the day it took effect (zero for a correction, which may change any
// past day); the function it returns is called after.
type Counts interface {
	Mark(ctx context.Context, paths [][]string, on civil.Date) (settle func(context.Context), err error)
}

// Around runs store between marking paths and settling them; with no
// counts attached it just stores.
func Around(ctx context.Context, c Counts, paths [][]string, on civil.Date, store func() error) error {
	if c == nil || len(paths) == 0 {
		return store()
	}
	settle, err := c.Mark(ctx, paths, on)
	if err != nil {
		return err
	}
	err = store()
	settle(ctx)
	return err
}
