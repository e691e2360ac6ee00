package rollups

import (
	"context"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// A past day that is not kept is the kept month end before it plus the
// movements in between: the periods in the subtree's branches that began
// or ended after the month end and on or before the day. Movements are
// read from the facts (the members' periods, through an index of their
// first and last days that the store keeps with the member in the same
// write), never stored as increments, so a back-dated change or a
// correction is seen by the next read and nothing can count twice. A
// month holds a few thousand movements in a province of a million
// members, so the day costs a kept tally, one indexed read of a month
// of movements and one read of the subtree's branches.

// Moves are the periods in a subtree's branches that began or ended in a
// window, each once.
type Moves struct {
	Periods []MovedPeriod
}

// MovedPeriod is one member's period in a branch, with what a tally counts of
// the member.
type MovedPeriod struct {
	Path      unitpath.Path // the branch's path
	Gender    members.Gender
	BirthYear int // 0: not recorded
	JoinYear  int
	Stint     members.Stint
}

// BranchStart is a branch of a subtree and the first day of its earliest
// period ("" if it never had a member): a branch counts from the day it
// was created or from that day, whichever is earlier.
type BranchStart struct {
	Unit        *units.Unit
	FirstPeriod string
}

// MovementStore is what a store offers to answer past days from
// movements. A store without it answers them by counting the members'
// periods (pastdays.go).
type MovementStore interface {
	// MovedBetween returns the periods in branches below the unit at path
	// unit (or the unit itself) that began or ended on a day in (after,
	// upTo].
	MovedBetween(ctx context.Context, unit unitpath.Path, after, upTo string) (*Moves, error)
	// BranchStarts returns the branches below the unit at path unit (or
	// the unit itself)
	// that may have begun in (after, upTo]: whose first period began then,
	// or created then (give or take a day: the time zone is the caller's
	// to apply), each with the first day of its earliest period. Others
	// may come too; none that began then is missing.
	BranchStarts(ctx context.Context, unit unitpath.Path, after, upTo string) ([]BranchStart, error)
	// BranchPeriods returns every period any member spent in the branch
	// at path branch (Path left empty): what a recount of the branch
	// reads, without the members' whole rows (PeriodsIn of BranchEveryone
	// gives the same).
	BranchPeriods(ctx context.Context, branch unitpath.Path) ([]MovedPeriod, error)
}

// CreatedWindow is the span of creation times BranchStarts looks in for
// branches created in (after, upTo], two days wide at the end and starting
// on after itself: "give or take a day", whatever the time zone a branch
// was created in. The one rule for every store.
func CreatedWindow(after, upTo string) (from, until time.Time, err error) {
	if from, err = time.Parse(time.DateOnly, after); err != nil {
		return from, until, err
	}
	until, err = time.Parse(time.DateOnly, upTo)
	return from, until.AddDate(0, 0, 2), err
}

// monthEndBefore is the last day of the month before d's.
func monthEndBefore(d civil.Date) civil.Date {
	return civil.Date{Year: d.Year, Month: d.Month, Day: 1}.AddDays(-1)
}

// fromMovements answers day d of u's subtree from the kept month end
// before it and the movements since. ok is false when the store keeps no
// movements or the month end is not kept (nor counted) yet: the caller
// then counts the day the slow way.
func (s *Service) fromMovements(ctx context.Context, u *units.Unit, d civil.Date) (t *dayTallies, ok bool, err error) {
	ms := s.moves
	if ms == nil {
		return nil, false, nil
	}
	e, found := s.nearestKeptMonthEnd(ctx, u, d)
	if !found {
		return nil, false, nil // the slow way decides
	}
	// Movements are found by where their branches stand today: a subtree
	// that a move has changed since the earlier of the two days is
	// counted the slow way, in the tree as it was (issue 18.5).
	if moved, err := s.units.MovesSince(ctx, u.ID, earlier(e, d)); err != nil || len(moved) > 0 {
		return nil, false, err
	}
	base, err := s.readDay(ctx, u, e)
	if err != nil {
		return nil, false, err
	}
	// Posts are counted by their terms from the live tallies, which hold
	// every post now recorded (a kept day may predate a post entered
	// later for a term that began after it).
	now, err := s.readDay(ctx, u, civil.Today(s.now()))
	if err != nil {
		return nil, false, err
	}
	lo, hi := e, d // movements between the month end and the day, either way
	if d.Before(e) {
		lo, hi = d, e
	}
	moves, err := ms.MovedBetween(ctx, u.Path, lo.String(), hi.String())
	if err != nil {
		return nil, false, err
	}
	starts, err := ms.BranchStarts(ctx, u.Path, lo.String(), hi.String())
	if err != nil {
		return nil, false, err
	}
	t = &dayTallies{own: withoutTerms(base.own), children: map[string]*Tally{}, pending: base.pending || now.pending}
	for id, ct := range base.children {
		t.children[id] = withoutTerms(ct)
	}
	at := func(path unitpath.Path) (own *Tally, child *Tally) {
		own = t.own
		for i, id := range path {
			if id == u.ID && i+1 < len(path) {
				c := t.children[path[i+1]]
				if c == nil {
					c = &Tally{}
					t.children[path[i+1]] = c
				}
				return own, c
			}
		}
		return own, nil
	}
	for _, p := range moves.Periods {
		if !movedIn(p.Stint, lo, hi) {
			continue
		}
		own, child := at(p.Path)
		for _, x := range []*Tally{own, child} {
			if x != nil {
				x.addPeriod(p, d, 1)
				x.addPeriod(p, e, -1)
			}
		}
	}
	// A branch counts from its first day on: those that began in between.
	for _, b := range starts {
		n := 0
		switch atD, atE := branchCounts(b, d), branchCounts(b, e); {
		case atD && !atE:
			n = 1
		case atE && !atD:
			n = -1
		default:
			continue
		}
		own, child := at(b.Unit.Path)
		own.Branches += n
		if child != nil {
			child.Branches += n
		}
	}
	t.own.Terms = now.own.Terms
	// Issue 20's records are read from the live tallies too: they hold
	// every record, keyed by day (records.go).
	t.own.withRecordsOf(now.own)
	for id, c := range t.children {
		if nc := now.children[id]; nc != nil {
			c.Terms = nc.Terms
			c.withRecordsOf(nc)
		}
	}
	for id, nc := range now.children {
		if _, ok := t.children[id]; !ok {
			c := &Tally{}
			c.withRecordsOf(nc)
			t.children[id] = c
		}
	}
	t.own.prune()
	for _, c := range t.children {
		c.prune()
	}
	return t, true, nil
}

// nearestKeptMonthEnd is the kept month end nearest to d whose tally of u
// is stored: the one before d, or the one that ends d's month when that
// is nearer and already past (a day late in a month is its month end
// minus a few days of movements).
func (s *Service) nearestKeptMonthEnd(ctx context.Context, u *units.Unit, d civil.Date) (civil.Date, bool) {
	before := monthEndBefore(d)
	after := monthEndBefore(civil.Date{Year: d.Year, Month: d.Month, Day: 1}.AddDays(40))
	candidates := []civil.Date{before, after}
	if daysBetween(d, after) < daysBetween(before, d) {
		candidates = []civil.Date{after, before}
	}
	for _, e := range candidates {
		day, keep := s.dayKey(e)
		if !keep || day == live {
			continue
		}
		if _, err := s.store.GetCounter(ctx, u.Path, day); err == nil {
			return e, true
		}
	}
	return civil.Date{}, false
}

func earlier(a, b civil.Date) civil.Date {
	if a.Before(b) {
		return a
	}
	return b
}

func daysBetween(a, b civil.Date) int {
	n := 0
	for x := a; x.Before(b); x = x.AddDays(1) {
		n++
	}
	return n
}

// movedIn reports whether a period began or ended in (e, d].
func movedIn(st members.Stint, e, d civil.Date) bool {
	in := func(x civil.Date) bool { return !x.IsZero() && x.After(e) && !x.After(d) }
	return in(st.From) || in(st.To)
}

// branchCounts mirrors BranchOn and compute: an active branch counts from
// the day it was created or its first period, whichever is earlier.
func branchCounts(b BranchStart, d civil.Date) bool {
	if closedBy(b.Unit, d) {
		return false
	}
	if !civil.Today(b.Unit.CreatedAt).After(d) {
		return true
	}
	return b.FirstPeriod != "" && b.FirstPeriod <= d.String()
}

// addPeriod adds (sign 1) or removes (sign -1) what one period counts in
// a branch's tally as of d, exactly as BranchOn counts it (Branches
// aside).
func (t *Tally) addPeriod(p MovedPeriod, d civil.Date, sign int) {
	st := p.Stint
	if st.From.After(d) {
		return
	}
	if st.StartedBy == members.Joined {
		t.Joined += sign
	} else {
		t.TransferredIn += sign
	}
	if st.To.IsZero() || st.To.After(d) {
		t.Active += sign
		switch p.Gender {
		case members.Female:
			t.Female += sign
		case members.Male:
			t.Male += sign
		}
		t.ByBirthYear = addMap(t.ByBirthYear, map[int]int{p.BirthYear: sign})
		t.ByJoinYear = addMap(t.ByJoinYear, map[int]int{p.JoinYear: sign})
		return
	}
	switch st.EndedBy {
	case members.LeftEvent:
		t.Left += sign
	case members.Died:
		t.Deceased += sign
	default:
		t.TransferredOut += sign
	}
}

// withoutTerms copies t for correcting, sharing nothing with it (the kept
// tallies may be remembered elsewhere).
func withoutTerms(t *Tally) *Tally {
	c := *t
	c.Terms = nil
	c.ByBirthYear = addMap(nil, t.ByBirthYear)
	c.ByJoinYear = addMap(nil, t.ByJoinYear)
	return &c
}

// prune drops histogram buckets that movements emptied, so that a day
// answered from movements reads exactly like one counted from periods.
func (t *Tally) prune() {
	for k, v := range t.ByBirthYear {
		if v == 0 {
			delete(t.ByBirthYear, k)
		}
	}
	for k, v := range t.ByJoinYear {
		if v == 0 {
			delete(t.ByJoinYear, k)
		}
	}
	if len(t.ByBirthYear) == 0 {
		t.ByBirthYear = nil
	}
	if len(t.ByJoinYear) == 0 {
		t.ByJoinYear = nil
	}
}

// closedBy reports whether u was closed on or before d: a branch counts as
// a branch only on the days before its closing day. A unit closed before
// closing days were kept (no ClosedAt) counts on no day.
func closedBy(u *units.Unit, d civil.Date) bool {
	if u.Status == units.Active {
		return false
	}
	return u.ClosedAt.IsZero() || !d.Before(civil.Today(u.ClosedAt))
}
