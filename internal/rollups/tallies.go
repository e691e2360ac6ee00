package rollups

import (
	"context"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

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
	ts, err := s.recountLevel(ctx, []*units.Unit{u}, day, d)
	if err != nil {
		return nil, err
	}
	return ts[0], nil
}

// recountLevel is recount for several units none of which is below
// another (one level of the marked paths): their tickets are taken in one
// call, and their tallies stored in one, so that settling a burst of
// changes costs the store two writes per level of the tree, not two per
// unit.
func (s *Service) recountLevel(ctx context.Context, us []*units.Unit, day string, d civil.Date) ([]*Tally, error) {
	want := make([]TicketFor, len(us))
	for i, u := range us {
		want[i] = TicketFor{UnitID: u.ID, Day: day, Path: u.Path}
	}
	tickets, err := s.store.TakeTickets(ctx, want)
	if err != nil {
		return nil, err
	}
	tallies := make([]*Tally, len(us))
	cs := make([]*Counter, len(us))
	for i, u := range us {
		t, err := s.computeOverStored(ctx, u, day, d)
		if err != nil {
			return nil, err
		}
		tallies[i] = t
		cs[i] = &Counter{UnitID: u.ID, ParentID: u.ParentID, Path: u.Path, Day: day, Ticket: tickets[i], Tally: *t}
	}
	_, err = s.store.PutCounters(ctx, cs)
	return tallies, err
}

// ownTally is what a unit holds by itself on a day: a branch's roll (its
// members' periods up to d), any unit's posts and its records (issue 20);
// nothing of its children.
func (s *Service) ownTally(ctx context.Context, u *units.Unit, d civil.Date) (*Tally, error) {
	t := &Tally{}
	if u.Level == units.Branch {
		periods, err := s.branchPeriods(ctx, u.Path)
		if err != nil {
			return nil, err
		}
		t = BranchOnPeriods(civil.Today(u.CreatedAt), periods, d)
		if closedBy(u, d) {
			t.Branches = 0
		}
	}
	b, err := s.boards.GetBoard(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	t.AddTerms(b.Posts)
	return t, s.addRecords(ctx, u.ID, t, d) // issue 20: any unit's own records
}

// branchPeriods are the periods members spent in a branch: read narrow
// from the movements where the store keeps them (every recount of a branch
// reads them, and the settler recounts every branch a write touched), else
// from the members' rows.
func (s *Service) branchPeriods(ctx context.Context, branch unitpath.Path) ([]MovedPeriod, error) {
	if s.moves != nil {
		return s.moves.BranchPeriods(ctx, branch)
	}
	everyone, err := s.store.BranchEveryone(ctx, branch)
	if err != nil {
		return nil, err
	}
	return PeriodsIn(branch.Unit(), everyone), nil
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
	return s.overStored(ctx, u, day, d, s.recount)
}

// overStored is a unit's own facts as of d plus its children's stored
// tallies for day; missing finds the tally of a child that has none.
func (s *Service) overStored(ctx context.Context, u *units.Unit, day string, d civil.Date,
	missing func(ctx context.Context, c *units.Unit, day string, d civil.Date) (*Tally, error)) (*Tally, error) {
	d = s.dateOf(day, d)
	t, err := s.ownTally(ctx, u, d)
	if err != nil || u.Level == units.Branch {
		return t, err
	}
	cs, err := s.store.ChildCounters(ctx, u.Path, day)
	if err != nil {
		return nil, err
	}
	stored := make(map[string]*Counter, len(cs))
	for _, c := range cs {
		stored[c.UnitID] = c
	}
	err = s.eachChildOn(ctx, u, d, func(c *units.Unit) error {
		if sc, ok := stored[c.ID]; ok {
			t.Add(&sc.Tally)
			return nil
		}
		ct, err := missing(ctx, c, day, d)
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
	err = s.eachChildOn(ctx, u, d, func(c *units.Unit) error {
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

// eachChildOn calls fn with each child u had at the end of day d: in the
// tree as it was then for a past day (units.Tree.EachChildOn), today's
// children for today, so that a day before a move or a reform is counted
// in the shape it had (issue 18.5) and today's figures cost no more.
func (s *Service) eachChildOn(ctx context.Context, u *units.Unit, d civil.Date, fn func(*units.Unit) error) error {
	if !d.Before(civil.Today(s.now())) {
		return s.eachChild(ctx, u, fn)
	}
	return s.units.EachChildOn(ctx, u, d, fn)
}

func (s *Service) eachChild(ctx context.Context, u *units.Unit, fn func(*units.Unit) error) error {
	return page.Each(func(p page.Request) (page.Result[*units.Unit], error) { return s.units.Children(ctx, u, p) }, fn)
}

// settledTally returns a unit's tally for a kept day after settling the
// marks below it, counting (and keeping) what is not stored yet. It writes:
// only the settler's side uses it (closing a month, keeping a month end
// asked for the first time), never a read of figures already kept.
func (s *Service) settledTally(ctx context.Context, u *units.Unit, d civil.Date) (*Tally, error) {
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
	marks, err := s.store.MarksUnder(ctx, u.Path, day)
	if err != nil {
		return nil, err
	}
	if err := s.recountPaths(ctx, marks, day, d); err != nil { // cleared by the settler, which recounts every day they cover
		return nil, err
	}
	return s.storedTallyOf(ctx, u, day, d)
}

// storedTallyOf is settledTally for a unit whose marks are settled
// already (below a unit just settled): the stored tally of a kept day,
// recounted and stored when there is none.
func (s *Service) storedTallyOf(ctx context.Context, u *units.Unit, day string, d civil.Date) (*Tally, error) {
	c, err := s.store.GetCounter(ctx, u.Path, day)
	if err == nil {
		return &c.Tally, nil
	}
	if !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	return s.recount(ctx, u, day, d)
}

// readTally is what a read answers for a unit's kept day (or today): the
// stored tally as it is, marks or not, or, for a unit that has none yet
// (a unit no write has reached), its own facts plus its children's read
// the same way. It never writes and never waits for the settler: a mark
// below the unit only makes the answer pending (pending).
func (s *Service) readTally(ctx context.Context, u *units.Unit, day string, d civil.Date) (*Tally, error) {
	c, err := s.store.GetCounter(ctx, u.Path, day)
	if err == nil {
		return &c.Tally, nil
	}
	if !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	return s.readOverStored(ctx, u, day, d)
}

// readOverStored is computeOverStored without storing: a child without a
// stored tally is read (or computed) the same way.
func (s *Service) readOverStored(ctx context.Context, u *units.Unit, day string, d civil.Date) (*Tally, error) {
	return s.overStored(ctx, u, day, d, s.readOverStored)
}

// pending reports whether a change at or below u may be missing from its
// stored tally for a day: a mark on its subtree is not settled yet.
func (s *Service) pending(ctx context.Context, u *units.Unit, day string) (bool, error) {
	return s.store.AnyMarkUnder(ctx, u.Path, day)
}
