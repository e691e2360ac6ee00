package units

import (
	"context"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/counting"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Move puts unit id, with its whole subtree, under unit parentID. The
// caller must be allowed to write units at both ends (where the unit is
// and where it goes). The unit keeps its level: the new parent must be
// above it and active, must not be the unit or one of its descendants,
// and must not have a child with the unit's code. ifVersion, when not
// zero, is the version the caller last saw (If-Match).
//
// A move is three steps, each safe to repeat, so that one interrupted at
// any point is finished by Resume (or by moving the unit again):
//
//  1. the unit's own path is set to the new one, its parent left as it
//     was: from then on the unit records the move in progress (its path's
//     parent is not its parent) and both ends can be read back from it;
//  2. every other copy of the old path follows, in batches
//     (PathRewriter.RewritePaths: units, boards, counters, marks, grants,
//     members with their search keys), each batch a short write;
//  3. the parent is set to the new one, which ends the move.
//
// Every member record is rewritten in place, in one write each, so a
// read at any moment finds each member once: under the old path or under
// the new one, never both, never neither.
func (s *Service) Move(ctx context.Context, c *access.Caller, id, parentID string, ifVersion int) (*Unit, error) {
	if parentID == "" {
		return nil, (errs.Fields{{Field: "parentId", Message: "is required"}}).Err()
	}
	u, err := s.Load(ctx, c, id, access.ObjUnit, access.Write)
	if err != nil {
		return nil, err
	}
	if ifVersion != 0 && ifVersion != u.Version {
		return nil, errs.E(errs.VersionMismatch, "unit %s is at version %d, not %d", u.ID, u.Version, ifVersion)
	}
	if u, err = s.finishMove(ctx, c, u); err != nil {
		return nil, err
	}
	parent, err := s.Load(ctx, c, parentID, access.ObjUnit, access.Write)
	if err != nil {
		return nil, err
	}
	if err := s.checkMove(ctx, u, parent); err != nil {
		return nil, err
	}
	if u.ParentID == parent.ID {
		return u, nil
	}
	return s.move(ctx, c, u, parent.Path.Child(u.ID))
}

// checkMove applies the tree's rules to moving u under parent.
func (s *Service) checkMove(ctx context.Context, u, parent *Unit) error {
	var f errs.Fields
	switch {
	case u.ID == RootID:
		f.Add("id", "the central unit does not move")
	case parent.Path.Contains(u.ID):
		f.Add("parentId", "a unit cannot move under itself or one of its descendants")
	case parent.Level == Branch:
		f.Add("parentId", "a branch has no child units")
	case !u.Level.Below(parent.Level):
		f.Add("parentId", "a %s cannot be placed under a %s", u.Level, parent.Level)
	}
	if err := f.Err(); err != nil {
		return err
	}
	if u.ParentID == parent.ID {
		return nil
	}
	if parent.Status != Active {
		return errs.E(errs.Conflict, "unit %s is closed and takes no new children", parent.ID)
	}
	if u.Status != Active {
		return errs.E(errs.Conflict, "unit %s is closed: reopen it before moving it", u.ID)
	}
	holder, err := s.store.GetChildByCode(ctx, parent.ID, u.Code)
	switch {
	case err == nil:
		return errs.E(errs.Conflict, "unit %s already has a child with code %q (%s)", parent.ID, u.Code, holder.ID)
	case !errs.Is(err, errs.NotFound):
		return err
	}
	return nil
}

// move runs the three steps of a move of u to the path to (whose parent
// is the new parent), counted: the units above both ends change their
// branch counts from today, so both paths are marked around the move.
func (s *Service) move(ctx context.Context, c *access.Caller, u *Unit, to unitpath.Path) (*Unit, error) {
	from := u.Path
	var moved *Unit
	paths := [][]string{from.Parent(), to}
	err := counting.Around(ctx, s.counts, paths, civil.Today(s.now()), counting.Branch, func() error {
		next := *u
		next.Path, next.Version, next.UpdatedAt = to, u.Version+1, s.now().UTC()
		if err := s.store.UpdateUnit(ctx, &next); err != nil { // step 1
			return err
		}
		var err error
		moved, err = s.followMove(ctx, c, &next, from)
		return err
	})
	return moved, err
}

// followMove does steps 2 and 3 of a move of u (whose path is already the
// new one) from the path from. Step 3, which gives u its new parent, is
// the move's audit entry (parentId before and after): a move resumed
// after a crash is recorded when it ends, by whoever finishes it.
func (s *Service) followMove(ctx context.Context, c *access.Caller, u *Unit, from unitpath.Path) (*Unit, error) {
	// The move's fact, for past days to be counted in the tree as it was
	// (history.go): recorded again, as the same move, when a resumed move
	// comes here, so a crash anywhere after step 1 cannot lose it.
	now := s.now().UTC()
	if err := s.store.RecordMove(ctx, &MoveRecord{ID: MoveID(u.ID, u.Version), UnitID: u.ID, From: from, To: u.Path,
		Day: civil.Today(now), At: now}); err != nil {
		return nil, err
	}
	for cursor := ""; ; {
		next, err := s.store.RewritePaths(ctx, from, u.Path, cursor, RewriteLimit)
		if err != nil {
			return nil, err
		}
		if next == "" {
			break
		}
		cursor = next
	}
	// The rewrite bumped nothing of u (it lies outside from already), but
	// read it again: a rename may have raced with the move.
	cur, err := s.store.GetUnit(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	done := *cur
	done.ParentID, done.Version, done.UpdatedAt = cur.Path.Parent().Unit(), cur.Version+1, s.now().UTC()
	if err := s.record(ctx, c, audit.Update, cur, &done, func(ctx context.Context) error { return s.store.UpdateUnit(ctx, &done) }); err != nil { // step 3
		return nil, err
	}
	return &done, nil
}

// Moving reports whether u is in the middle of a move (its path says one
// parent, its parent field another) and, if so, the path it moves from.
func (s *Service) moving(ctx context.Context, u *Unit) (from unitpath.Path, ok bool, err error) {
	if u.ParentID == "" || u.Path.Parent().Unit() == u.ParentID {
		return nil, false, nil
	}
	old, err := s.store.GetUnit(ctx, u.ParentID)
	if err != nil {
		return nil, false, err
	}
	return old.Path.Child(u.ID), true, nil
}

// finishMove finishes an interrupted move of u, if there is one, counted
// like the move itself, and returns u as it ends.
func (s *Service) finishMove(ctx context.Context, c *access.Caller, u *Unit) (*Unit, error) {
	from, ok, err := s.moving(ctx, u)
	if err != nil || !ok {
		return u, err
	}
	var moved *Unit
	paths := [][]string{from.Parent(), u.Path}
	err = counting.Around(ctx, s.counts, paths, civil.Today(s.now()), counting.Branch, func() error {
		var err error
		moved, err = s.followMove(ctx, c, u, from)
		return err
	})
	return moved, err
}

// Resume finishes an interrupted move of unit id, if there is one (a
// crash, a stop, a lost connection between the steps of Move), and
// returns the unit. The caller must be allowed to write units there.
func (s *Service) Resume(ctx context.Context, c *access.Caller, id string) (*Unit, error) {
	u, err := s.Load(ctx, c, id, access.ObjUnit, access.Write)
	if err != nil {
		return nil, err
	}
	return s.finishMove(ctx, c, u)
}
