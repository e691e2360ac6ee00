package rollups

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/units"
)

// Past days that are not kept (any day but a recent month end, or a month
// end asked for the first time) are counted from every member's periods
// in the subtree: seconds for a province. pastDays keeps such work from
// taking the machine away from everything else:
//
//   - at most Workers computations run at once; a request that cannot
//     start one within Wait is refused with errs.Busy and Retry-After
//     rather than queued behind minutes of work;
//   - concurrent requests for the same unit and day share one computation
//     (singleflight);
//   - a computed day that is not kept as a snapshot is remembered in
//     memory under the unit's live tally ticket: every write below the
//     unit marks it and its settling stores a live tally under a fresh
//     ticket, so a back-dated change makes the remembered answer
//     unreachable, and the next request counts again.
type pastDays struct {
	sem     chan struct{}
	wait    time.Duration
	flights singleflight.Group

	mu     sync.Mutex
	memo   map[memoKey]*dayTallies
	order  []memoKey // oldest first, for eviction
	onWork func(unitID, day string)
}

// PastDayLimits bound the computations of past days (see pastDays).
type PastDayLimits struct {
	Workers int           // computations at once; 0: half the CPUs, at least 1
	Wait    time.Duration // longest wait for a turn; 0: 2 s
}

// memoKey names a computed day of a unit's subtree at a version of its
// facts (the live tally's ticket once the marks below it are settled).
type memoKey struct {
	unitID, day string
	ticket      int64
}

// memoSize bounds the remembered days: each holds a unit's and its
// children's tallies (a province's communes: about a megabyte).
const memoSize = 32

// busyRetryAfter is the wait suggested to a refused request: about one
// computation of a province's past day.
const busyRetryAfter = 5

// dayTallies is a unit's tally for a day and each child's.
type dayTallies struct {
	own      *Tally
	children map[string]*Tally
	pending  bool // a mark below the unit was not settled when it was read
}

// child is a child's tally; a child created since the day was counted
// had nothing then.
func (t *dayTallies) child(c *units.Unit) *Tally {
	if ct, ok := t.children[c.ID]; ok {
		return ct
	}
	return &Tally{}
}

func newPastDays(l PastDayLimits) *pastDays {
	if l.Workers <= 0 {
		l.Workers = max(1, runtime.NumCPU()/2)
	}
	if l.Wait <= 0 {
		l.Wait = 2 * time.Second
	}
	return &pastDays{sem: make(chan struct{}, l.Workers), wait: l.Wait, memo: map[memoKey]*dayTallies{}}
}

// SetPastDayLimits replaces the bounds on past-day computations, for a
// test that tightens them on a built service (the wiring passes
// WithPastDayLimits). Call it before the service is used.
func (s *Service) SetPastDayLimits(l PastDayLimits) { WithPastDayLimits(l)(s) }

// OnPastDayWork sets a function called as each past-day computation
// starts, with the unit and the day (for tests and metrics: identical
// concurrent requests must call it once). Call it before the service is
// used.
func (s *Service) OnPastDayWork(fn func(unitID, day string)) { s.past.onWork = fn }

// dayTallies answers u's tally for day d and its children's. Today's, and
// a kept day's already counted, are read from stored tallies as they are
// (pending when a mark below u is not settled yet); a kept month end asked
// for the first time is counted and kept once, and any other day is a
// bounded, shared and remembered computation.
func (s *Service) dayTallies(ctx context.Context, u *units.Unit, d civil.Date) (*dayTallies, error) {
	day, keep := s.dayKey(d)
	if keep {
		if day == live {
			return s.readDay(ctx, u, d)
		}
		if _, err := s.store.GetCounter(ctx, u.Path, day); err == nil {
			return s.readDay(ctx, u, d)
		} else if !errs.Is(err, errs.NotFound) {
			return nil, err
		}
		// Counted once, then kept and corrected by marks: the one read
		// that writes, bounded like any past day's computation (a month
		// end is kept by the month closing; an older one the first time it
		// is asked for).
		return s.past.do(ctx, fmt.Sprintf("%s/%s", u.ID, day), u.ID, day, func(ctx context.Context) (*dayTallies, error) {
			return s.keepDay(ctx, u, d)
		})
	}
	// issue 15.3: a kept month end plus a month of movements (movements.go).
	if t, ok, err := s.fromMovements(ctx, u, d); ok || err != nil {
		return t, err
	}
	if u.Level == units.Branch { // one indexed read of its roll: cheaper than remembering
		return s.computeDay(ctx, u, day, d)
	}
	ticket, pending, err := s.liveTicket(ctx, u)
	if err != nil {
		return nil, err
	}
	k := memoKey{unitID: u.ID, day: day, ticket: ticket}
	if t := s.past.recall(k); t != nil {
		// Counted at this version: with a change pending below u it may
		// miss it (until the settler moves the ticket on), and says so.
		return &dayTallies{own: t.own, children: t.children, pending: pending}, nil
	}
	// Counted from the facts as they are now: exact, pending or not.
	return s.past.do(ctx, fmt.Sprintf("%s/%s/%d", u.ID, day, ticket), u.ID, day, func(ctx context.Context) (*dayTallies, error) {
		t, err := s.computeDay(ctx, u, day, d)
		if err == nil {
			s.past.remember(k, t)
		}
		return t, err
	})
}

// liveTicket is the version of u's subtree's facts: the ticket of its live
// tally. Any write below u marks it, and settling that mark stores the
// live tally under a newer ticket, so a day remembered under an older
// ticket is never recalled once the settler has run. pending says a mark
// below u is not settled yet: what is remembered under the ticket may
// miss a change stored since (remembering a new count under it is safe:
// the settling will move the ticket on). Without a live tally there is no
// version: nothing is recalled.
func (s *Service) liveTicket(ctx context.Context, u *units.Unit) (ticket int64, pending bool, err error) {
	pending, err = s.pending(ctx, u, live)
	if err != nil {
		return 0, false, err
	}
	c, err := s.store.GetCounter(ctx, u.Path, live)
	if errs.Is(err, errs.NotFound) {
		return -1, pending, nil // no version yet: a real ticket is never -1
	}
	if err != nil {
		return 0, false, err
	}
	return c.Ticket, pending, nil
}

// readDay reads a kept day's (or today's) tallies of u and its children as
// stored, writing nothing (readTally). A branch with a change pending is
// counted from its roll instead (one indexed read, bounded by a branch's
// size): the figures a chair reads right after a write are exact, and
// only the units above a branch lag its writes.
func (s *Service) readDay(ctx context.Context, u *units.Unit, d civil.Date) (*dayTallies, error) {
	day, _ := s.dayKey(d)
	pending, err := s.pending(ctx, u, day)
	if err != nil {
		return nil, err
	}
	if pending && u.Level == units.Branch {
		own, err := s.ownTally(ctx, u, s.dateOf(day, d))
		if err != nil {
			return nil, err
		}
		return &dayTallies{own: own, children: map[string]*Tally{}}, nil
	}
	own, err := s.readTally(ctx, u, day, d)
	if err != nil {
		return nil, err
	}
	child, err := s.childTallies(ctx, u, d, s.readTally)
	if err != nil {
		return nil, err
	}
	t := &dayTallies{own: own, children: map[string]*Tally{}, pending: pending}
	err = s.eachChildOn(ctx, u, s.dateOf(day, d), func(c *units.Unit) error {
		ct, err := child(c)
		t.children[c.ID] = ct
		return err
	})
	return t, err
}

// keepDay counts a kept day of u's subtree for the first time and keeps
// it (counting and storing what is not stored yet).
func (s *Service) keepDay(ctx context.Context, u *units.Unit, d civil.Date) (*dayTallies, error) {
	own, err := s.settledTally(ctx, u, d)
	if err != nil {
		return nil, err
	}
	child, err := s.childTallies(ctx, u, d, s.storedTallyOf)
	if err != nil {
		return nil, err
	}
	t := &dayTallies{own: own, children: map[string]*Tally{}}
	err = s.eachChildOn(ctx, u, d, func(c *units.Unit) error {
		ct, err := child(c)
		t.children[c.ID] = ct
		return err
	})
	return t, err
}

// computeDay counts a day that is not kept, each child once.
func (s *Service) computeDay(ctx context.Context, u *units.Unit, day string, d civil.Date) (*dayTallies, error) {
	t := &dayTallies{children: map[string]*Tally{}}
	own, err := s.computeFromFacts(ctx, u, day, d, func(c *units.Unit, ct *Tally) { t.children[c.ID] = ct })
	t.own = own
	return t, err
}

// do runs fn once for concurrent callers with the same key, when a turn
// is free within the wait. The work is not cancelled when the caller that
// started it goes away: others may be waiting for it, and it is
// remembered for the next one.
func (p *pastDays) do(ctx context.Context, key, unitID, day string, fn func(context.Context) (*dayTallies, error)) (*dayTallies, error) {
	ch := p.flights.DoChan(key, func() (any, error) {
		timer := time.NewTimer(p.wait)
		defer timer.Stop()
		select {
		case p.sem <- struct{}{}:
		case <-timer.C:
			return nil, busy()
		}
		defer func() { <-p.sem }()
		if p.onWork != nil {
			p.onWork(unitID, day)
		}
		work, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Minute)
		defer cancel()
		return fn(work)
	})
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*dayTallies), nil
	}
}

func busy() error {
	e := errs.E(errs.Busy, "figures for past days are being counted for other requests; try again shortly")
	e.RetryAfterSeconds = busyRetryAfter
	return e
}

func (p *pastDays) recall(k memoKey) *dayTallies {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.memo[k]
}

func (p *pastDays) remember(k memoKey, t *dayTallies) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.memo[k]; ok {
		return
	}
	// One version of a unit's day is worth keeping: the one last counted
	// (an older one is never asked for again).
	p.order = slices.DeleteFunc(p.order, func(o memoKey) bool {
		if o.unitID == k.unitID && o.day == k.day {
			delete(p.memo, o)
			return true
		}
		return false
	})
	for len(p.order) >= memoSize {
		delete(p.memo, p.order[0])
		p.order = p.order[1:]
	}
	p.memo[k] = t
	p.order = append(p.order, k)
}
