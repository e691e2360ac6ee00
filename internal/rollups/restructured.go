package rollups

import (
	"context"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// A period that spans a move of units (a merge, a reform plan: issue
// 18.5) begins in one tree and ends in another. The members of a moved
// branch stay in it, so their periods neither begin nor end: the tallies
// at the two ends differ by the moved subtrees, whole. What a move brought
// into a unit's subtree, or took out of it, is the moved subtree's tally
// on the day before the move (in the tree of that day), counted from the
// facts, never stored: the period report shows its active members as
// restructured in or out, and takes its history (joins, transfers, leaves
// up to the move) out of the period's flows, so that every row balances.

// flows are the tallies moves brought into a subtree and took out of it.
type flows struct{ in, out *Tally }

// restructured returns, for u (by its id) and each of its children, what
// the moves dated in [from, to] brought in and took out. A move within a
// child's subtree is nothing to u or to the child; one from a child to
// another is out of the one and into the other.
func (s *Service) restructured(ctx context.Context, u *units.Unit, from, to civil.Date) (map[string]flows, error) {
	moves, err := s.units.MovesSince(ctx, u.ID, from.AddDays(-1))
	if err != nil {
		return nil, err
	}
	out := map[string]flows{}
	add := func(id string, t *Tally, in bool) {
		f, ok := out[id]
		if !ok {
			f = flows{in: &Tally{}, out: &Tally{}}
		}
		if in {
			f.in.Add(t)
		} else {
			f.out.Add(t)
		}
		out[id] = f
	}
	for _, m := range moves {
		if m.Day.After(to) || m.UnitID == u.ID {
			continue // after the period, or u's own move: nothing enters or leaves u
		}
		wasIn, isIn := under(m.From, u.ID), under(m.To, u.ID)
		wasChild, isChild := childOn(m.From, u.ID), childOn(m.To, u.ID)
		if wasIn == isIn && wasChild == isChild {
			continue
		}
		t, err := s.movedTally(ctx, m)
		if err != nil {
			return nil, err
		}
		if wasIn && !isIn {
			add(u.ID, t, false)
		}
		if isIn && !wasIn {
			add(u.ID, t, true)
		}
		if wasChild != isChild {
			if wasChild != "" {
				add(wasChild, t, false)
			}
			if isChild != "" {
				add(isChild, t, true)
			}
		}
	}
	return out, nil
}

// movedTally is what the moved unit's subtree held at the end of the day
// before its move, in the tree of that day.
func (s *Service) movedTally(ctx context.Context, m *units.MoveRecord) (*Tally, error) {
	x, err := s.unit(ctx, m.UnitID)
	if err != nil {
		return nil, err
	}
	d := m.Day.AddDays(-1)
	day, _ := s.dayKey(d)
	return s.computeFromFacts(ctx, x, day, d, nil)
}

// under reports whether a moved unit's path (the unit last) lies below id.
func under(p unitpath.Path, id string) bool { return p.Parent().Contains(id) }

// childOn is the child of id whose subtree held the moved unit, by its
// path; "" when the unit was not below id.
func childOn(p unitpath.Path, id string) string {
	for i, x := range p[:max(len(p)-1, 0)] {
		if x == id {
			return p[i+1]
		}
	}
	return ""
}

func orEmpty(t *Tally) *Tally {
	if t == nil {
		return &Tally{}
	}
	return t
}
