package rollups

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
)

// StartSettling settles the live tallies behind writes, in the
// background, until stop is called: a write then answers without waiting
// for the recount of the units above it. Marks make this safe: a read
// settles whatever has not been reached yet, and marks left by a stop or a
// crash are settled by the next read. Call it before the service is used.
//
// With closeMonths it also keeps a snapshot of each month as it ends (see
// CloseMonth), checked at start and every hour.
//
// Without background, writes settle their counts before they answer and
// only the month closing (if asked for) runs beside them.
func (s *Service) StartSettling(background, closeMonths bool) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	if background {
		s.queue = make(chan []Mark, 4096)
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.run(ctx)
		}()
	}
	if closeMonths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.closeMonths(ctx)
		}()
	}
	return func() { cancel(); wg.Wait() }
}

// WaitSettled waits until the settler has counted every write queued so
// far (for tests and tools that must not race it).
func (s *Service) WaitSettled(ctx context.Context) error {
	for s.queued.Load() > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
	return nil
}

// settleWindow is how long the settler collects marks before it settles
// them: figures above a branch lag a write by about this much more, and a
// burst of writes below a unit costs one recount of it, not one each.
const settleWindow = 150 * time.Millisecond

func (s *Service) run(ctx context.Context) {
	for {
		var batch []Mark
		select {
		case <-ctx.Done():
			s.finish()
			return
		case batch = <-s.queue:
		}
		n := int64(1)
		// Collect the writes of a short window and settle them together:
		// many changes below a unit in the window cost one recount of it.
		window := time.NewTimer(settleWindow)
	collect:
		for len(batch) < 10_000 {
			select {
			case more := <-s.queue:
				batch = append(batch, more...)
				n++
			case <-window.C:
				break collect
			case <-ctx.Done():
				break collect
			}
		}
		window.Stop()
		// A batch under way is finished even if a stop comes meanwhile.
		work, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		start := time.Now()
		err := s.settle(work, batch, live, civil.Date{})
		s.ran(JobSettleCounters, start, err)
		if err != nil {
			s.log.WarnContext(work, "counters left to settle on the next read", "err", err)
		}
		cancel()
		s.queued.Add(-n)
	}
}

// finish settles what is still queued when the service stops (a server
// shutting down, a tool that just loaded data), for at most half a
// minute: what is left then stays marked for the next read.
func (s *Service) finish() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var batch []Mark
	for {
		select {
		case more := <-s.queue:
			batch = append(batch, more...)
			s.queued.Add(-1)
			continue
		default:
		}
		break
	}
	if err := s.settle(ctx, batch, live, civil.Date{}); err != nil {
		s.log.WarnContext(ctx, "counters left to settle on the next read", "err", err)
	}
}

// settle recounts every unit on the marks' paths, deepest first and each
// once, then clears the marks.
func (s *Service) settle(ctx context.Context, marks []Mark, day string, d civil.Date) error {
	if len(marks) == 0 {
		return nil
	}
	depth := map[string]int{}
	for _, m := range marks {
		for i, id := range m.Path {
			depth[id] = i
		}
	}
	order := make([]string, 0, len(depth))
	for id := range depth {
		order = append(order, id)
	}
	slices.SortFunc(order, func(a, b string) int { return depth[b] - depth[a] })
	for _, id := range order {
		u, err := s.units.Get(ctx, id)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if _, err := s.recount(ctx, u, day, d); err != nil {
			return err
		}
	}
	for _, m := range marks {
		if !m.Stored { // the change may not be stored yet: recounted for, not cleared
			continue
		}
		if err := s.store.ClearMark(ctx, m); err != nil {
			return err
		}
	}
	return nil
}
