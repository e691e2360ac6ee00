package rollups

import (
	"context"
	"fmt"
	"reflect"

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
// bottom up, replaces every one that differs (whatever ticket it carries),
// and reports them. Kept snapshots below u are dropped and recounted on
// their next read; the tallies above u are then settled.
func (s *Service) Reconcile(ctx context.Context, u *units.Unit) (*Reconciled, error) {
	r := &Reconciled{}
	today := civil.Today(s.now())
	if _, err := s.reconcile(ctx, u, today, r); err != nil {
		return nil, err
	}
	marks, err := s.store.MarksUnder(ctx, u.ID, live)
	if err != nil {
		return nil, err
	}
	for _, m := range marks {
		if err := s.store.ClearMark(ctx, m); err != nil {
			return nil, err
		}
	}
	days, err := s.store.SnapshotDays(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range days {
		if err := s.store.DeleteCounters(ctx, u.ID, d); err != nil {
			return nil, err
		}
		r.Snapshots++
	}
	// The kept days of the units above now rest on dropped tallies: mark
	// them, so that their next read recounts them (and u's subtree).
	if _, err := s.mark(ctx, [][]string{u.Path()}, civil.Date{}); err != nil {
		return nil, err
	}
	if len(u.Ancestors) > 0 {
		if err := s.settle(ctx, []Mark{{UnitID: u.ParentID, Path: u.Ancestors, Day: live}}, live, today); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (s *Service) reconcile(ctx context.Context, u *units.Unit, today civil.Date, r *Reconciled) (*Tally, error) {
	ticket, err := s.store.TakeTicket(ctx, u.ID, live)
	if err != nil {
		return nil, err
	}
	fresh := &Tally{}
	if u.Level == units.Branch {
		if fresh, err = s.compute(ctx, u, live, today, false); err != nil {
			return nil, err
		}
	} else {
		b, err := s.boards.GetBoard(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		fresh.AddTerms(b.Posts)
		err = s.eachChild(ctx, u, func(c *units.Unit) error {
			ct, err := s.reconcile(ctx, c, today, r)
			if err == nil {
				fresh.Add(ct)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	r.Checked++
	stored, err := s.store.GetCounter(ctx, u.ID, live)
	switch {
	case errs.Is(err, errs.NotFound):
		r.Repairs = append(r.Repairs, Repair{Unit: u, Missing: true, Now: fresh.Totals(today)})
	case err != nil:
		return nil, err
	case stored.Ticket > ticket:
		// counted after this reconcile read its facts: at least as new
		return &stored.Tally, nil
	case !equal(&stored.Tally, fresh):
		r.Repairs = append(r.Repairs, Repair{Unit: u, Was: stored.Tally.Totals(today), Now: fresh.Totals(today)})
	default:
		return fresh, nil
	}
	c := &Counter{UnitID: u.ID, ParentID: u.ParentID, Path: u.Path(), Day: live, Ticket: ticket, Tally: *fresh}
	return fresh, s.store.ReplaceCounter(ctx, c)
}

// equal compares tallies, treating empty and missing maps alike.
func equal(a, b *Tally) bool {
	norm := func(t Tally) Tally {
		for _, m := range []*map[int]int{&t.ByBirthYear, &t.ByJoinYear} {
			if len(*m) == 0 {
				*m = nil
			}
		}
		if len(t.Terms) == 0 {
			t.Terms = nil
		}
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
