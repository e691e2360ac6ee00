package rollups

import (
	"context"
	"crypto/rand"
	"slices"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Mark is called before a change to units at the end of paths (branches,
// or units whose posts change) is stored, with the day the change took
// effect (zero for corrections, which may change any past day). It marks,
// for this change alone (Mark.Change), the live tally and every kept
// snapshot from that day on, and returns the function to call once the
// change is stored: it marks again and hands the marks to the settler
// (or, without one, settles them at once). Nothing is recounted in the
// write itself (each recount is several round trips to the store, which
// a write to MongoDB cannot afford): a branch's own figures are exact
// when the write answers because a read of a branch with a change
// pending counts its roll (readDay).
func (s *Service) Mark(ctx context.Context, paths [][]string, on civil.Date) (func(context.Context), error) {
	change := newChange()
	// Where the units stood before moves dated after the change: read once
	// for both markings (a write's round trips are counted).
	old, err := s.oldPaths(ctx, paths, on)
	if err != nil {
		return nil, err
	}
	if _, err := s.mark(ctx, paths, old, on, change, false); err != nil {
		return nil, err
	}
	return func(ctx context.Context) {
		// The first marks (not stored) are recounted for by any recount
		// but cleared by none; marking again as stored lets a recount made
		// after it clear them (its onward mark covers a day kept meanwhile
		// too). The change is stored: a caller that went away must not
		// stop this.
		ctx = context.WithoutCancel(ctx)
		marks, err := s.mark(ctx, paths, old, on, change, true)
		if err != nil {
			marks, err = s.mark(ctx, paths, old, on, change, true)
		}
		if err != nil {
			s.log.WarnContext(ctx, "counters may miss a change until the next reconcile", "err", err)
			return
		}
		if s.queue == nil {
			if err := s.settleAll(ctx, marks); err != nil {
				// The marks stay: the settler's next sweep settles them.
				s.log.WarnContext(ctx, "counters left to settle by the next sweep", "err", err)
			}
			return
		}
		s.queued.Add(1)
		select {
		case s.queue <- marks:
		default: // the settler is behind: its next sweep settles these
			s.queued.Add(-1)
		}
	}, nil
}

// mark marks the live tally and every kept day from on (every kept day
// when on is zero) of the units at the end of paths: one onward mark per
// unit, whatever the number of days kept (a day kept later is covered
// too).
// old are the paths the units stood on before moves dated after on
// (oldPaths), marked as the same change.
func (s *Service) mark(ctx context.Context, paths [][]string, old []oldPath, on civil.Date, change string, stored bool) ([]Mark, error) {
	from := ""
	if !on.IsZero() {
		from = on.String()
	}
	var marks []Mark
	for _, p := range paths {
		if len(p) == 0 {
			continue
		}
		marks = append(marks, Mark{UnitID: p[len(p)-1], Path: p, Day: live, Onward: true, From: from, Change: change, Stored: stored})
	}
	for _, o := range old {
		marks = append(marks, Mark{UnitID: o.path.Unit(), Path: o.path, Day: live, Onward: true, From: from,
			Change: change + "@" + o.move, Stored: stored})
	}
	return s.store.MarkStale(ctx, marks)
}

// oldPath is where a marked unit stood before a move (of itself or of an
// ancestor) dated after the change: its own mark, named after the move.
type oldPath struct {
	path unitpath.Path
	move string
}

// oldPaths are where the units at the end of paths stood before the moves
// dated after on (units/history.go): the kept days from on of the units
// above them then were counted with them in their subtrees, so the old
// paths are marked too, as the same change, and settled like the new
// ones (recountPaths orders a unit by the deepest place it has on any
// marked path). A change dated today, the most common, costs no read.
func (s *Service) oldPaths(ctx context.Context, paths [][]string, on civil.Date) ([]oldPath, error) {
	if !on.IsZero() && !on.Before(civil.Today(s.now())) {
		return nil, nil
	}
	seen := map[string]bool{}
	var ids []string
	for _, p := range paths {
		for _, id := range p {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	moves, err := s.units.MovesOf(ctx, ids, on)
	if err != nil {
		return nil, err
	}
	var out []oldPath
	for _, m := range moves {
		for _, p := range paths {
			if i := slices.Index(p, m.UnitID); i >= 0 {
				old := append(append(unitpath.Path{}, m.From...), p[i+1:]...)
				out = append(out, oldPath{path: old, move: m.ID})
			}
		}
	}
	return out, nil
}

// newChange names one change's marks.
func newChange() string { return rand.Text() }
