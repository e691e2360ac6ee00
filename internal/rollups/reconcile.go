package rollups

import (
	"context"
	"fmt"
	"reflect"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/units"
)

// Repair is one stored tally that reconcile found wrong and replaced.
type Repair struct {
	Unit    *units.Unit
	Missing bool   // there was no stored tally
	Was     Totals // the figures it gave (today), when there was one
	Now     Totals
}

// Reconciled is what Reconcile did.
type Reconciled struct {
	Checked   int
	Repairs   []Repair
	Snapshots int // kept days whose tallies below the unit were dropped, to be recounted when read
}

// Reconcile recounts the live tallies of u's subtree from the facts,
// bottom up, stores every one that differs and reports them. Kept
// snapshots below u are dropped and recounted on their next read; the
// tallies above u are then settled.
//
// It runs beside the server's own counting, so it stores through tickets
// like any recount (a damaged tally with an absurd ticket is still
// replaced: a new ticket is always above the stored one), and it clears
// only the marks it saw before it began, which its recount covers. It
// clears unstored marks too (a repair must end the recounts a crash left
// behind): a change in flight while it runs that then dies between its
// store and its second marking is missed until the next reconcile.
//
// It is the system's work (`sohoi reconcile`, a seed's repair): a user
// caller needs the system permission at u.
func (s *Service) Reconcile(ctx context.Context, c *access.Caller, u *units.Unit) (*Reconciled, error) {
	if err := c.Authorize(u.Path, access.ObjSystem, access.Write, "unit"); err != nil {
		return nil, err
	}
	r := &Reconciled{}
	today := civil.Today(s.now())
	seen, err := s.store.MarksUnder(ctx, u.Path, live)
	if err != nil {
		return nil, err
	}
	if _, err := s.reconcile(ctx, u, today, r); err != nil {
		return nil, err
	}
	if err := s.store.ClearMarks(ctx, seen); err != nil {
		return nil, err
	}
	days, err := s.store.SnapshotDays(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range days {
		if err := s.store.DeleteCounters(ctx, u.Path, d); err != nil {
			return nil, err
		}
		r.Snapshots++
	}
	// The kept days of the units above now rest on dropped tallies: mark
	// them, so that their next read recounts them (and u's subtree).
	paths := [][]string{u.Path}
	old, err := s.oldPaths(ctx, paths, civil.Date{})
	if err != nil {
		return nil, err
	}
	if _, err := s.mark(ctx, paths, old, civil.Date{}, newChange(), true); err != nil {
		return nil, err
	}
	if u.Path.Depth() > 0 {
		if err := s.recountPaths(ctx, []Mark{{UnitID: u.ParentID, Path: u.Path.Parent(), Day: live}}, live, today); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// reconcile repairs u's subtree, children first, then u: its ticket is
// taken after its children are stored, so it sums what they are now.
func (s *Service) reconcile(ctx context.Context, u *units.Unit, today civil.Date, r *Reconciled) (*Tally, error) {
	if u.Level != units.Branch {
		if err := s.eachChild(ctx, u, func(c *units.Unit) error {
			_, err := s.reconcile(ctx, c, today, r)
			return err
		}); err != nil {
			return nil, err
		}
	}
	stored, err := s.store.GetCounter(ctx, u.Path, live)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	tickets, err := s.store.TakeTickets(ctx, []TicketFor{{UnitID: u.ID, Day: live, Path: u.Path}})
	if err != nil {
		return nil, err
	}
	fresh, err := s.computeOverStored(ctx, u, live, today)
	if err != nil {
		return nil, err
	}
	r.Checked++
	switch {
	case stored == nil:
		r.Repairs = append(r.Repairs, Repair{Unit: u, Missing: true, Now: fresh.Totals(today)})
	case !equal(&stored.Tally, fresh):
		r.Repairs = append(r.Repairs, Repair{Unit: u, Was: stored.Tally.Totals(today), Now: fresh.Totals(today)})
	}
	// Stored unless a recount that began after this one stored first: its
	// tally is at least as new.
	c := &Counter{UnitID: u.ID, ParentID: u.ParentID, Path: u.Path, Day: live, Ticket: tickets[0], Tally: *fresh}
	if _, err := s.store.PutCounters(ctx, []*Counter{c}); err != nil {
		return nil, err
	}
	return fresh, nil
}

// equal compares tallies, treating empty and missing maps alike.
func equal(a, b *Tally) bool {
	norm := func(t Tally) Tally {
		for _, m := range []*map[int]int{&t.ByBirthYear, &t.ByJoinYear} {
			if len(*m) == 0 {
				*m = nil
			}
		}
		for _, m := range []*map[string]int{&t.PostsFrom, &t.PostsTo, &t.Terms} {
			if len(*m) == 0 {
				*m = nil
			}
		}
		t.normRecords()
		return t
	}
	return reflect.DeepEqual(norm(*a), norm(*b))
}

// String describes a repair for a person.
func (r Repair) String() string {
	name := r.Unit.Name + " (" + r.Unit.ID + ")"
	if r.Missing {
		return fmt.Sprintf("%s: no tally; now %d active members", name, r.Now.ActiveMembers)
	}
	return fmt.Sprintf("%s: active members %d → %d, members %d → %d, branches %d → %d, officers %d → %d", name,
		r.Was.ActiveMembers, r.Now.ActiveMembers, r.Was.Members, r.Now.Members, r.Was.Branches, r.Now.Branches,
		r.Was.Officers, r.Now.Officers)
}
