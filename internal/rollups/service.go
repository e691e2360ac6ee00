package rollups

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
)

// Units reads the tree.
type Units interface {
	Get(ctx context.Context, id string) (*units.Unit, error)
	Children(ctx context.Context, u *units.Unit, p page.Request) (page.Result[*units.Unit], error)
}

// Boards reads officer posts.
type Boards interface {
	GetBoard(ctx context.Context, unitID string) (*officers.Board, error)
}

// Service keeps counters current and answers rollups and reports.
type Service struct {
	store  Store
	units  Units
	boards Boards
	log    *slog.Logger
	now    func() time.Time
	queue  chan []Mark  // marks for the settler; nil: settle at once
	queued atomic.Int64 // batches queued and not yet settled
	jobs   JobObserver  // nil: no one listens
	past   *pastDays    // bounds, shares and remembers past-day computations
	owner  string       // this service as a lease holder (closing.go)
}

// NewService wires the rollups.
func NewService(store Store, u Units, b Boards, log *slog.Logger, now func() time.Time) *Service {
	return &Service{store: store, units: u, boards: b, log: log, now: now, past: newPastDays(PastDayLimits{}), owner: newOwner()}
}

// live is the day key of the tally that follows every write.
const live = ""

// cached reports whether a day's tallies are kept: month ends only, the
// days half-year and year-end reviews ask for, so that each write has a
// short, bounded list of snapshots to mark.
func cached(d civil.Date) bool { return d.AddDays(1).Day == 1 }

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

// closeMonths keeps the last month end's snapshot of the whole tree, in
// one instance at a time (CloseLastMonth).
func (s *Service) closeMonths(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		start := time.Now()
		made, err := s.CloseLastMonth(ctx)
		s.ran(JobCloseMonth, start, err)
		if err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "closing the month failed; it will be tried again", "err", err)
		} else if made {
			s.log.InfoContext(ctx, "kept the month's figures", "took", time.Since(start).String())
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// CloseMonth keeps the tallies of u's subtree as of the month end d (if
// they are not kept yet), so that rollups and period reports for that day
// read stored figures from then on; later changes dated on or before d
// correct them through marks. It reports whether it counted anything.
func (s *Service) CloseMonth(ctx context.Context, u *units.Unit, d civil.Date) (bool, error) {
	if _, keep := s.dayKey(d); !keep || !d.Before(civil.Today(s.now())) {
		return false, errs.E(errs.Validation, "%s is not the end of a month of the last %d years", d, keptYears)
	}
	if err := s.store.AddSnapshotDay(ctx, d.String()); err != nil {
		return false, err
	}
	if _, err := s.store.GetCounter(ctx, u.ID, d.String()); err == nil {
		return false, nil
	}
	_, err := s.tallyOf(ctx, u, d)
	return err == nil, err
}

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
	drain: // settle a burst of writes together: each unit above them once
		for len(batch) < 10_000 {
			select {
			case more := <-s.queue:
				batch = append(batch, more...)
				n++
			default:
				break drain
			}
		}
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
		if err := s.store.ClearMark(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// dayOf is the date a day key stands for (today for the live tally).
func (s *Service) dayOf(day string) civil.Date {
	if day == live {
		return civil.Today(s.now())
	}
	return civil.MustParse(day)
}

// recount computes a unit's tally for a day from its own facts and its
// children's tallies, and stores it under a fresh ticket.
func (s *Service) recount(ctx context.Context, u *units.Unit, day string, d civil.Date) (*Tally, error) {
	ticket, err := s.store.TakeTicket(ctx, u.ID, day, u.Path())
	if err != nil {
		return nil, err
	}
	t, err := s.computeOverStored(ctx, u, day, d)
	if err != nil {
		return nil, err
	}
	_, err = s.store.PutCounter(ctx, &Counter{UnitID: u.ID, ParentID: u.ParentID, Path: u.Path(), Day: day, Ticket: ticket, Tally: *t})
	return t, err
}

// ownTally is what a unit holds by itself on a day: a branch's roll (its
// members' periods up to d) and any unit's posts; nothing of its children.
func (s *Service) ownTally(ctx context.Context, u *units.Unit, d civil.Date) (*Tally, error) {
	t := &Tally{}
	if u.Level == units.Branch {
		everyone, err := s.store.BranchEveryone(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		t = BranchOn(u.ID, civil.Today(u.CreatedAt), everyone, d)
		if u.Status != units.Active {
			t.Branches = 0
		}
	}
	b, err := s.boards.GetBoard(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	t.AddTerms(b.Posts)
	return t, nil
}

// dateOf is the date a day's tally is counted as of: today for the live
// tally (every recorded change took effect on or before today).
func (s *Service) dateOf(day string, d civil.Date) civil.Date {
	if day == live {
		return s.dayOf(live)
	}
	return d
}

// computeOverStored is a unit's tally for a kept day (or the live one):
// its own facts plus its children's stored tallies, a child without one
// being recounted (and stored) first.
func (s *Service) computeOverStored(ctx context.Context, u *units.Unit, day string, d civil.Date) (*Tally, error) {
	d = s.dateOf(day, d)
	t, err := s.ownTally(ctx, u, d)
	if err != nil || u.Level == units.Branch {
		return t, err
	}
	cs, err := s.store.ChildCounters(ctx, u.ID, day)
	if err != nil {
		return nil, err
	}
	stored := make(map[string]*Counter, len(cs))
	for _, c := range cs {
		stored[c.UnitID] = c
	}
	err = s.eachChild(ctx, u, func(c *units.Unit) error {
		if sc, ok := stored[c.ID]; ok {
			t.Add(&sc.Tally)
			return nil
		}
		ct, err := s.recount(ctx, c, day, d)
		if err != nil {
			return err
		}
		t.Add(ct)
		return nil
	})
	return t, err
}

// computeFromFacts is a unit's tally for a day that is not kept: counted
// from the facts of its whole subtree, storing nothing. onChild, when set,
// sees each child's tally (so that a rollup does not count the children
// twice).
func (s *Service) computeFromFacts(ctx context.Context, u *units.Unit, day string, d civil.Date, onChild func(*units.Unit, *Tally)) (*Tally, error) {
	d = s.dateOf(day, d)
	t, err := s.ownTally(ctx, u, d)
	if err != nil || u.Level == units.Branch {
		return t, err
	}
	err = s.eachChild(ctx, u, func(c *units.Unit) error {
		ct, err := s.computeFromFacts(ctx, c, day, d, nil)
		if err != nil {
			return err
		}
		t.Add(ct)
		if onChild != nil {
			onChild(c, ct)
		}
		return nil
	})
	return t, err
}

func (s *Service) eachChild(ctx context.Context, u *units.Unit, fn func(*units.Unit) error) error {
	p := page.Request{Limit: page.MaxLimit}
	for {
		res, err := s.units.Children(ctx, u, p)
		if err != nil {
			return err
		}
		for _, c := range res.Items {
			if err := fn(c); err != nil {
				return err
			}
		}
		if res.Next == "" {
			return nil
		}
		p.Cursor = res.Next
	}
}

// tallyOf returns a unit's tally for a day: stored, after settling any
// marks below it, or computed (and kept, for kept days).
func (s *Service) tallyOf(ctx context.Context, u *units.Unit, d civil.Date) (*Tally, error) {
	day, keep := s.dayKey(d)
	if !keep {
		return s.computeFromFacts(ctx, u, day, d, nil)
	}
	if day != live {
		// Registered before anything is counted, so that every change
		// from now on marks it.
		if err := s.store.AddSnapshotDay(ctx, day); err != nil {
			return nil, err
		}
	}
	marks, err := s.store.MarksUnder(ctx, u.ID, day)
	if err != nil {
		return nil, err
	}
	if err := s.settle(ctx, marks, day, d); err != nil {
		return nil, err
	}
	return s.storedTallyOf(ctx, u, day, d)
}

// storedTallyOf is tallyOf for a unit whose marks are settled already
// (below a unit just read): the stored tally of a kept day, recounted
// when there is none.
func (s *Service) storedTallyOf(ctx context.Context, u *units.Unit, day string, d civil.Date) (*Tally, error) {
	c, err := s.store.GetCounter(ctx, u.ID, day)
	if err == nil {
		return &c.Tally, nil
	}
	if !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	return s.recount(ctx, u, day, d)
}

// dayKey chooses the tally that answers for day d: the live one for today
// (and later), a kept snapshot for a month end of the last keptYears years,
// none otherwise (computed when asked: every kept day costs each later
// change a mark, so asking cannot make the list grow without bound).
func (s *Service) dayKey(d civil.Date) (string, bool) {
	today := civil.Today(s.now())
	if !d.Before(today) {
		return live, true
	}
	return d.String(), cached(d) && d.Year > today.Year-keptYears
}

// keptYears is how far back month ends are kept.
const keptYears = 10

// kept reports whether a day key names a day whose tallies are kept now.
func (s *Service) kept(day string) bool {
	d, err := civil.Parse(day)
	if err != nil {
		return false
	}
	_, keep := s.dayKey(d)
	return keep
}

// Row is one unit's figures in a rollup.
type Row struct {
	Unit   *units.Unit
	Totals Totals
}

// Rollup is a unit's totals and each child's, as of a day.
type Rollup struct {
	AsOf     civil.Date
	Totals   Totals
	Children []Row
}

// Rollup answers the figures of u's subtree and of each child's, as of
// day d (zero: today). A day after today is refused: its figures are not
// known yet.
func (s *Service) Rollup(ctx context.Context, u *units.Unit, d civil.Date) (*Rollup, error) {
	today := civil.Today(s.now())
	if d.After(today) {
		var f errs.Fields
		f.Add("asOf", "must not be in the future")
		return nil, f.Err()
	}
	if d.IsZero() {
		d = today
	}
	t, err := s.dayTallies(ctx, u, d)
	if err != nil {
		return nil, err
	}
	r := &Rollup{AsOf: d, Totals: t.own.Totals(d)}
	err = s.eachChild(ctx, u, func(c *units.Unit) error {
		ct, ok := t.children[c.ID]
		if !ok { // a child created since the day was counted: nothing then
			ct = &Tally{}
		}
		r.Children = append(r.Children, Row{Unit: c, Totals: ct.Totals(d)})
		return nil
	})
	return r, err
}

// childTallies returns how to read the tallies of u's children for day d,
// once u's own tally has been read (so the marks below u are settled): a
// kept day's stored tallies come in one query, and only a child without
// one is counted.
func (s *Service) childTallies(ctx context.Context, u *units.Unit, d civil.Date) (func(*units.Unit) (*Tally, error), error) {
	stored := map[string]*Tally{}
	if day, keep := s.dayKey(d); keep {
		cs, err := s.store.ChildCounters(ctx, u.ID, day)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			stored[c.UnitID] = &c.Tally
		}
	}
	return func(c *units.Unit) (*Tally, error) {
		if t, ok := stored[c.ID]; ok {
			return t, nil
		}
		day, keep := s.dayKey(d)
		if !keep {
			return s.computeFromFacts(ctx, c, day, d, nil)
		}
		return s.storedTallyOf(ctx, c, day, d)
	}, nil
}
