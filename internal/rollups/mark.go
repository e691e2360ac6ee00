package rollups

import (
	"context"

	"github.com/sohoi/sohoi/internal/civil"
)

// Mark is called before a change to units at the end of paths (branches,
// or units whose posts change) is stored, with the day the change took
// effect (zero for corrections, which may change any past day). It marks
// the live tally and every kept snapshot from that day on, and returns the
// function that settles the live tallies once the change is stored; stale
// snapshots are recounted when next read.
func (s *Service) Mark(ctx context.Context, paths [][]string, on civil.Date) (func(context.Context), error) {
	if _, err := s.mark(ctx, paths, on); err != nil {
		return nil, err
	}
	return func(ctx context.Context) {
		// A read may have settled (and cleared) the marks above between
		// marking and storing, counting before the change was stored; and
		// a day may have been kept meanwhile. Marking again now that the
		// change is stored leaves a mark that only a count made after it
		// can clear. The change is stored: a caller that went away must not
		// stop this.
		ctx = context.WithoutCancel(ctx)
		marks, err := s.mark(ctx, paths, on)
		if err != nil {
			marks, err = s.mark(ctx, paths, on)
		}
		if err != nil {
			s.log.WarnContext(ctx, "counters may miss a change until the next reconcile", "err", err)
			return
		}
		var mine []Mark
		for _, m := range marks {
			if m.Day == live {
				mine = append(mine, m)
			}
		}
		if s.queue != nil {
			s.queued.Add(1)
			select {
			case s.queue <- mine:
			default: // the settler is behind: the next read settles these
				s.queued.Add(-1)
			}
			return
		}
		if err := s.settle(ctx, mine, live, civil.Date{}); err != nil {
			// The marks stay: the next read of a unit above settles them.
			s.log.WarnContext(ctx, "counters left to settle on the next read", "err", err)
		}
	}, nil
}

// mark marks the live tally and every kept day from on (every kept day
// when on is zero) of the units at the end of paths.
func (s *Service) mark(ctx context.Context, paths [][]string, on civil.Date) ([]Mark, error) {
	days, err := s.store.SnapshotDays(ctx)
	if err != nil {
		return nil, err
	}
	var marks []Mark
	for _, p := range paths {
		if len(p) == 0 {
			continue
		}
		marks = append(marks, Mark{UnitID: p[len(p)-1], Path: p, Day: live})
		for _, d := range days {
			if (on.IsZero() || d >= on.String()) && s.kept(d) {
				marks = append(marks, Mark{UnitID: p[len(p)-1], Path: p, Day: d})
			}
		}
	}
	return s.store.MarkStale(ctx, marks)
}
