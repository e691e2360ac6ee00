package units

import (
	"context"
	"fmt"
	"slices"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/page"
)

// Recoded is a child unit whose code clashed with one of its new
// siblings' and was made unique before it moved.
type Recoded struct {
	UnitID  string
	OldCode string
	NewCode string
}

// Merged is what a merge did.
type Merged struct {
	Target  *Unit
	Sources []*Unit // closed, each with MergedInto the target
	Moved   int     // child units moved to the target
	Recoded []Recoded
}

// Merge merges the units sourceIDs into unit targetID: every child of a
// source moves under the target with its subtree (Move), a child whose
// code a sibling holds already gets a unique one (reported in Recoded),
// and each source is then closed with MergedInto the target, keeping its
// history. Sources are of the target's level, active, and neither above
// nor below it; the caller must be allowed to write units at the target
// and at every source. Branches, whose members would change branch, are
// not merged here.
//
// A merge is a sequence of moves and writes each safe to repeat: one
// interrupted anywhere is finished by asking for the same merge again,
// and ends as an uninterrupted one would (a child renamed but not moved
// keeps its new code, which no longer clashes, and moves).
func (s *Service) Merge(ctx context.Context, c *access.Caller, targetID string, sourceIDs []string) (*Merged, error) {
	if len(sourceIDs) == 0 {
		return nil, (errs.Fields{{Field: "sources", Message: "lists at least one unit"}}).Err()
	}
	target, err := s.Load(ctx, c, targetID, access.ObjUnit, access.Write)
	if err != nil {
		return nil, err
	}
	var sources []*Unit
	for i, id := range sourceIDs {
		src, err := s.Load(ctx, c, id, access.ObjUnit, access.Write)
		if err != nil {
			return nil, err
		}
		if err := checkMergeSource(target, src, slices.Index(sourceIDs, id) < i); err != nil {
			return nil, err
		}
		sources = append(sources, src)
	}
	if target.Status != Active {
		return nil, errs.E(errs.Conflict, "unit %s is closed and takes no new children", target.ID)
	}
	// The merge is recorded by its parts: each move (parentId from the
	// source to the target), each recoding and each source's close
	// (mergedInto the target) has its own entry.
	out := &Merged{}
	for _, src := range sources {
		if src.Status == Closed && src.MergedInto == target.ID {
			out.Sources = append(out.Sources, src) // done by an earlier run
			continue
		}
		if err := s.mergeChildren(ctx, c, target, src, out); err != nil {
			return nil, err
		}
		closed, err := s.closeMerged(ctx, c, src.ID, target.ID)
		if err != nil {
			return nil, err
		}
		out.Sources = append(out.Sources, closed)
	}
	if out.Target, err = s.store.GetUnit(ctx, target.ID); err != nil {
		return nil, err
	}
	return out, nil
}

func checkMergeSource(target, src *Unit, repeated bool) error {
	var f errs.Fields
	switch {
	case repeated:
		f.Add("sources", "lists %s twice", src.ID)
	case src.ID == target.ID:
		f.Add("sources", "the target cannot be merged into itself")
	case src.Level != target.Level:
		f.Add("sources", "unit %s is a %s, the target a %s: merge units of one level", src.ID, src.Level, target.Level)
	case src.Level == Branch:
		f.Add("sources", "branches are not merged: their members change branch one by one")
	case src.Status == Closed && src.MergedInto != target.ID:
		f.Add("sources", "unit %s is closed", src.ID)
	}
	return f.Err()
}

// mergeChildren moves every child of src under target, recoding clashes.
func (s *Service) mergeChildren(ctx context.Context, c *access.Caller, target, src *Unit, out *Merged) error {
	for {
		// Always the first page: a moved child leaves it.
		res, err := s.store.ListChildren(ctx, src.ID, page.Request{Limit: page.MaxLimit})
		if err != nil {
			return err
		}
		if len(res.Items) == 0 {
			return nil
		}
		for _, child := range res.Items {
			if child, err = s.finishMove(ctx, c, child); err != nil {
				return err
			}
			if child.ParentID != src.ID {
				continue // an interrupted move that ended elsewhere
			}
			if child, err = s.uniqueCodeUnder(ctx, c, child, target, src, out); err != nil {
				return err
			}
			if _, err := s.move(ctx, c, child, target.Path.Child(child.ID)); err != nil {
				return err
			}
			out.Moved++
		}
	}
}

// uniqueCodeUnder gives child, about to move under target, a code no
// child of target holds: its own, else "<code>-<source code>", else that
// with a number.
func (s *Service) uniqueCodeUnder(ctx context.Context, c *access.Caller, child, target, src *Unit, out *Merged) (*Unit, error) {
	code := child.Code
	for i := 1; ; i++ {
		_, err := s.store.GetChildByCode(ctx, target.ID, code)
		if errs.Is(err, errs.NotFound) {
			break
		}
		if err != nil {
			return nil, err
		}
		code = fmt.Sprintf("%s-%s", child.Code, src.Code)
		if i > 1 {
			code = fmt.Sprintf("%s-%s-%d", child.Code, src.Code, i)
		}
		if len(code) > maxCodeLen {
			code = fmt.Sprintf("%s-%d", child.ID, i)
		}
	}
	if code == child.Code {
		return child, nil
	}
	next, err := s.update(ctx, c, child, Patch{Code: &code})
	if err != nil {
		return nil, err
	}
	out.Recoded = append(out.Recoded, Recoded{UnitID: child.ID, OldCode: child.Code, NewCode: code})
	return next, nil
}

// closeMerged closes the emptied source, pointing to the target.
func (s *Service) closeMerged(ctx context.Context, c *access.Caller, id, targetID string) (*Unit, error) {
	for attempt := 0; ; attempt++ {
		u, err := s.store.GetUnit(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := s.checkClose(ctx, u); err != nil {
			return nil, err
		}
		next := *u
		next.Status, next.MergedInto, next.Version, next.UpdatedAt = Closed, targetID, u.Version+1, s.now().UTC()
		next.ClosedAt = next.UpdatedAt
		err = s.settled(ctx, [][]string{u.Path}, func() error {
			return s.record(ctx, c, audit.Update, u, &next, func(ctx context.Context) error { return s.store.UpdateUnit(ctx, &next) })
		})
		if err == nil {
			return &next, nil
		}
		if attempt == 2 || !errs.Is(err, errs.VersionMismatch) {
			return nil, err
		}
	}
}
