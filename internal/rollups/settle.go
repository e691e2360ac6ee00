package rollups

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/sohoi/sohoi/internal/background"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// StartSettling settles the tallies behind writes, in the background,
// until stop is called: a write then answers once its branch is recounted,
// without waiting for the recount of the units above it, and reads never
// settle anything (they answer what is stored, saying when it is pending).
// The settler also sweeps every mark in the store when it starts and every
// sweepEvery, so marks left by a stop, a crash or a full queue are settled
// without a read. Call it before the service is used.
//
// With closeMonths it also keeps a snapshot of each month as it ends (see
// CloseMonth), checked at start and every hour.
//
// Without background, writes settle their counts before they answer; the
// sweep and the month closing (if asked for) run beside them.
func (s *Service) StartSettling(inBackground, closeMonths bool) (stop func()) {
	// Marked as background work: the embedded store reads it on a
	// connection of its own, not queued behind the requests.
	ctx, cancel := context.WithCancel(background.With(context.Background()))
	var wg sync.WaitGroup
	if inBackground {
		s.queue = make(chan []Mark, 4096)
	}
	s.queued.Add(1) // the first sweep: WaitSettled waits for it too
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.run(ctx)
	}()
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

// sweepEvery is how often the settler settles every mark in the store:
// the bound on how long a mark that no queue carries (a crash between a
// change and its settling, a queue that was full) leaves figures pending.
const sweepEvery = 10 * time.Second

func (s *Service) run(ctx context.Context) {
	s.sweepLogged(ctx)
	s.queued.Add(-1)
	sweep := time.NewTicker(sweepEvery)
	defer sweep.Stop()
	for {
		var batch []Mark
		select {
		case <-ctx.Done():
			s.finish()
			return
		case <-sweep.C:
			s.sweepLogged(ctx)
			continue
		case batch = <-s.queue: // a nil queue (no background) never delivers
		}
		n := int64(1)
		// Collect the writes of a short window and settle them together:
		// many changes below a unit in the window cost one recount of it.
		window := time.NewTimer(cmp.Or(s.window, settleWindow))
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
		err := s.settleAll(work, batch)
		s.ran(JobSettleCounters, start, err)
		if err != nil {
			s.log.WarnContext(work, "counters left to settle by the next sweep", "err", err)
		}
		cancel()
		s.queued.Add(-n)
	}
}

// Sweep settles every mark in the store, of every kept day and today's:
// what the settler does at start and every sweepEvery. It is the only way
// marks that no write queued (a crash, a full queue) get settled; reads
// never settle. Exported for tools and tests that must see it done.
func (s *Service) Sweep(ctx context.Context) error {
	days, err := s.store.SnapshotDays(ctx)
	if err != nil {
		return err
	}
	// Onward marks come with every day they cover: each once.
	type markID struct {
		unit, day, from, change string
		onward                  bool
		gen                     int64
	}
	seen := map[markID]bool{}
	var marks []Mark
	for _, day := range append([]string{live}, days...) {
		ms, err := s.store.MarksUnder(ctx, unitpath.Path{units.RootID}, day)
		if err != nil {
			return err
		}
		for _, m := range ms {
			id := markID{m.UnitID, m.Day, m.From, m.Change, m.Onward, m.Gen}
			if !seen[id] {
				seen[id] = true
				marks = append(marks, m)
			}
		}
	}
	marks = s.orphans.adopt(marks, s.now())
	return s.settleAll(ctx, marks)
}

// orphanAfter is how long a mark made before its change was stored may
// stay unstored before a sweep takes it for a crash's leftover: no write
// takes this long between its first marking and its second (requests
// time out long before), so the change either was stored and is counted
// by the sweep's recount, or never will be.
const orphanAfter = 5 * time.Minute

// orphans remembers when sweeps first saw each unstored mark, so that a
// crash's leftover is cleared (after a recount) instead of keeping the
// figures above it pending until a reconcile.
type orphans struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

// adopt returns marks with every unstored mark seen at least orphanAfter
// ago treated as stored (so that settling clears it), and forgets marks
// that are gone.
func (o *orphans) adopt(marks []Mark, now time.Time) []Mark {
	o.mu.Lock()
	defer o.mu.Unlock()
	seen := map[string]time.Time{}
	for i, m := range marks {
		if m.Stored {
			continue
		}
		k := fmt.Sprintf("%s/%s/%s/%d", m.UnitID, m.Day, m.Change, m.Gen)
		first, ok := o.seen[k]
		if !ok {
			first = now
		}
		seen[k] = first
		if now.Sub(first) >= orphanAfter {
			marks[i].Stored = true
		}
	}
	o.seen = seen
	return marks
}

func (s *Service) sweepLogged(ctx context.Context) {
	work, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	start := time.Now()
	err := s.Sweep(work)
	s.ran(JobSettleCounters, start, err)
	if err != nil && ctx.Err() == nil {
		s.log.WarnContext(ctx, "sweeping marks failed; it will be tried again", "err", err)
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
	if err := s.settleAll(ctx, batch); err != nil {
		s.log.WarnContext(ctx, "counters left to settle by the next sweep", "err", err)
	}
}

// settleAll settles marks: it recounts the paths they name on every day
// they cover (today's first, what most reads ask for, then each kept
// day's), and then clears the stored ones. A day no longer kept (older
// than keptYears) names no tally anyone keeps and is not recounted.
func (s *Service) settleAll(ctx context.Context, marks []Mark) error {
	if len(marks) == 0 {
		return nil
	}
	days, err := s.store.SnapshotDays(ctx)
	if err != nil {
		return err
	}
	for _, day := range append([]string{live}, days...) {
		if day != live && !s.kept(day) {
			continue
		}
		var covered []Mark
		for _, m := range marks {
			if m.Covers(day) {
				covered = append(covered, m)
			}
		}
		if err := s.recountPaths(ctx, covered, day, s.dayOf(day)); err != nil {
			return err
		}
	}
	return s.clear(ctx, marks)
}

// clear clears the marks of stored changes (a mark made before its
// change was stored is recounted for, never cleared: doc.go, 4), all in
// one call.
func (s *Service) clear(ctx context.Context, marks []Mark) error {
	stored := make([]Mark, 0, len(marks))
	for _, m := range marks {
		if m.Stored {
			stored = append(stored, m)
		}
	}
	return s.store.ClearMarks(ctx, stored)
}

// recountPaths recounts every unit on the marks' paths for one day,
// deepest first and each once, a level of the tree at a time (one
// recountLevel each). It clears nothing: a mark may cover other days too
// (settleAll clears once every day it covers is recounted).
func (s *Service) recountPaths(ctx context.Context, marks []Mark, day string, d civil.Date) error {
	if len(marks) == 0 {
		return nil
	}
	depth := map[string]int{}
	deepest := 0
	for _, m := range marks {
		for i, id := range m.Path {
			// The deepest place a unit has on any marked path: a moved
			// unit is marked on its old path too (mark.go), and must be
			// recounted before the units above it in either tree.
			depth[id] = max(depth[id], i)
			deepest = max(deepest, i)
		}
	}
	levels := make([][]string, deepest+1)
	for id, i := range depth {
		levels[i] = append(levels[i], id)
	}
	for i := deepest; i >= 0; i-- {
		slices.Sort(levels[i]) // the same order every time: easier to follow in logs and tests
		us := make([]*units.Unit, 0, len(levels[i]))
		for _, id := range levels[i] {
			u, err := s.unit(ctx, id)
			if errs.Is(err, errs.NotFound) {
				continue
			}
			if err != nil {
				return err
			}
			us = append(us, u)
		}
		if len(us) == 0 {
			continue
		}
		if _, err := s.recountLevel(ctx, us, day, d); err != nil {
			return err
		}
	}
	return nil
}
