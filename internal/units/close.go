package units

import (
	"context"
	"fmt"
	"strings"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/page"
)

// closeLimit bounds what a refused close counts: "50 or more" says enough.
const closeLimit = 50

// checkClose refuses to close u while anything active is left in it:
// active children (their codes) or, for a branch, active members. A unit
// whose children are all closed holds no active member either (only
// branches hold members, and a closed branch holds none), so only the
// children and the unit's own roll are read.
func (s *Service) checkClose(ctx context.Context, u *Unit) error {
	if u.ID == RootID {
		return (errs.Fields{{Field: "status", Message: "the central unit cannot be closed"}}).Err()
	}
	var left []string
	if u.Level.HoldsMembers() {
		n, err := s.roll.ActiveMembers(ctx, u.Path, closeLimit)
		if err != nil {
			return err
		}
		if n > 0 {
			left = append(left, counted(n, "active member"))
		}
	}
	codes, more, err := s.activeChildren(ctx, u.ID)
	if err != nil {
		return err
	}
	if len(codes) > 0 {
		list := strings.Join(codes, ", ")
		if more {
			list += ", …"
		}
		left = append(left, fmt.Sprintf("%s (%s)", counted(len(codes), "active child unit"), list))
	}
	if len(left) > 0 {
		return errs.E(errs.Conflict, "unit %s still has %s: move or close them first", u.ID, strings.Join(left, " and "))
	}
	return nil
}

// activeChildren lists the codes of the first closeLimit active children
// of a unit, and whether there are more.
func (s *Service) activeChildren(ctx context.Context, id string) (codes []string, more bool, err error) {
	p := page.Request{Limit: page.MaxLimit}
	for {
		res, err := s.store.ListChildren(ctx, id, p)
		if err != nil {
			return nil, false, err
		}
		for _, c := range res.Items {
			if c.Status != Active {
				continue
			}
			if len(codes) == closeLimit {
				return codes, true, nil
			}
			codes = append(codes, c.Code)
		}
		if res.Next == "" {
			return codes, false, nil
		}
		p.Cursor = res.Next
	}
}

// counted writes n things, "or more" at the limit.
func counted(n int, what string) string {
	s := fmt.Sprintf("%d %s", n, what)
	if n != 1 {
		s += "s"
	}
	if n >= closeLimit {
		s = fmt.Sprintf("%d or more %ss", n, what)
	}
	return s
}

// checkReopen refuses to reopen u under a closed parent.
func (s *Service) checkReopen(ctx context.Context, u *Unit) error {
	if u.ParentID == "" {
		return nil
	}
	parent, err := s.store.GetUnit(ctx, u.ParentID)
	if err != nil {
		return err
	}
	if parent.Status != Active {
		return errs.E(errs.Conflict, "unit %s is under the closed unit %s: reopen that first", u.ID, parent.ID)
	}
	return nil
}
