package units

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// MoveRecord is one move of a unit, kept so that the tree can be read as
// it was on a past day (issue 18.5): the unit lay under From's parent
// before Day and lies under To's parent from Day on. Members keep their
// branch through a move; only where the branch stands changes, so these
// records are the one fact a past day needs to be counted in the tree of
// that day. The paths are those of the moment: a later move of an
// ancestor is a record of its own.
type MoveRecord struct {
	// ID names the move: the unit and its version as the move began, so
	// that a move resumed after a crash records the same one again.
	ID       string
	UnitID   string
	From, To unitpath.Path
	Day      civil.Date
	At       time.Time
}

// MoveID is the id of the move of unitID that began at version.
func MoveID(unitID string, version int) string { return unitID + "@" + strconv.Itoa(version) }

// MoveHistory keeps the moves. Implementations: both stores
// (internal/store/storetest checks them).
type MoveHistory interface {
	// RecordMove stores m unless a move with its ID is stored already.
	RecordMove(ctx context.Context, m *MoveRecord) error
	// MovesSince returns the moves dated after the day after whose From or
	// To contains unitID (moves into, out of, within or of the subtree),
	// by day, then by time.
	MovesSince(ctx context.Context, unitID string, after civil.Date) ([]*MoveRecord, error)
	// MovesOf returns the moves of the units unitIDs themselves dated
	// after the day after, by day, then by time.
	MovesOf(ctx context.Context, unitIDs []string, after civil.Date) ([]*MoveRecord, error)
}

// SortMoves orders moves by day, then by time (the stores' order).
func SortMoves(ms []*MoveRecord) {
	slices.SortStableFunc(ms, func(a, b *MoveRecord) int {
		if a.Day != b.Day {
			if a.Day.Before(b.Day) {
				return -1
			}
			return 1
		}
		return a.At.Compare(b.At)
	})
}

// EachChildOn calls fn with each child u had at the end of day d, in the
// tree as it was then: its children today, less those that came after d,
// with those that left after d. A unit created after d is listed too
// (with nothing to count on d). One read of the moves tells whether u's
// subtree changed after d at all; when it did not, the children are
// today's.
func (t *Tree) EachChildOn(ctx context.Context, u *Unit, d civil.Date, fn func(*Unit) error) error {
	moves, err := t.store.MovesSince(ctx, u.ID, d)
	if err != nil {
		return err
	}
	// Units that came to u or left it after d: their parent on d decides.
	moved := map[string]bool{}
	for _, m := range moves {
		if m.UnitID != u.ID && (m.From.Parent().Unit() == u.ID || m.To.Parent().Unit() == u.ID) {
			moved[m.UnitID] = true
		}
	}
	parentOn := func(x *Unit) (string, error) {
		if !moved[x.ID] {
			return x.ParentID, nil
		}
		return t.ParentOn(ctx, x, d)
	}
	seen := map[string]bool{}
	err = t.eachChild(ctx, u, func(c *Unit) error {
		seen[c.ID] = true
		if p, err := parentOn(c); err != nil || p != u.ID {
			return err
		}
		return fn(c)
	})
	if err != nil {
		return err
	}
	var gone []*Unit
	for id := range moved {
		if seen[id] {
			continue
		}
		x, err := t.store.GetUnit(ctx, id)
		if err != nil {
			return err
		}
		if p, err := parentOn(x); err != nil {
			return err
		} else if p == u.ID {
			gone = append(gone, x)
		}
	}
	slices.SortFunc(gone, func(a, b *Unit) int { return strings.Compare(a.Code, b.Code) })
	for _, x := range gone {
		if err := fn(x); err != nil {
			return err
		}
	}
	return nil
}

// ParentOn is the id of x's parent at the end of day d: where its first
// move after d took it from, or its parent today if it has not moved
// since.
func (t *Tree) ParentOn(ctx context.Context, x *Unit, d civil.Date) (string, error) {
	ms, err := t.store.MovesOf(ctx, []string{x.ID}, d)
	if err != nil || len(ms) == 0 {
		return x.ParentID, err
	}
	return ms[0].From.Parent().Unit(), nil
}

// MovesSince is the store's MovesSince: the moves touching u's subtree
// dated after d (what a period report counts as restructured, and what
// tells whether a past day of u's subtree was in another shape).
func (t *Tree) MovesSince(ctx context.Context, unitID string, d civil.Date) ([]*MoveRecord, error) {
	return t.store.MovesSince(ctx, unitID, d)
}

// MovesOf is the store's MovesOf: the units' own moves dated after d.
func (t *Tree) MovesOf(ctx context.Context, unitIDs []string, d civil.Date) ([]*MoveRecord, error) {
	return t.store.MovesOf(ctx, unitIDs, d)
}

// eachChild calls fn with each of u's children today.
func (t *Tree) eachChild(ctx context.Context, u *Unit, fn func(*Unit) error) error {
	return page.Each(func(p page.Request) (page.Result[*Unit], error) { return t.store.ListChildren(ctx, u.ID, p) }, fn)
}
