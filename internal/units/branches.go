package units

import (
	"context"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/page"
)

// Branches returns unit id and the branches of its subtree (itself, if it
// is one), in code order level by level, for a caller allowed act to obj
// there: what an import's template offers in its branch drop-down. The
// walk reads each unit's children a page at a time (a province has a few
// thousand branches under a few hundred communes).
func (s *Service) Branches(ctx context.Context, c *access.Caller, id string, obj access.Object, act access.Action) (*Unit, []*Unit, error) {
	u, err := s.Load(ctx, c, id, obj, act)
	if err != nil {
		return nil, nil, err
	}
	var branches []*Unit
	queue := []*Unit{u}
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		if next.Level.HoldsMembers() {
			if next.Status == Active {
				branches = append(branches, next)
			}
			continue
		}
		p := page.Request{Limit: page.MaxLimit}
		for {
			res, err := s.store.ListChildren(ctx, next.ID, p)
			if err != nil {
				return nil, nil, err
			}
			queue = append(queue, res.Items...)
			if res.Next == "" {
				break
			}
			p.Cursor = res.Next
		}
	}
	return u, branches, nil
}
