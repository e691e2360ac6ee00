package members

import (
	"context"
	"iter"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
)

// exportPage is how many members an export reads at a time: the roll of
// a province is a million, never held in memory at once.
const exportPage = page.MaxLimit

// Roll is a roll to write out: the unit it is the roll of, the day it was
// drawn, its members in the official order, and the branch of each.
type Roll struct {
	Unit *units.Unit
	Day  civil.Date
	// Members yields the members page by page as it is ranged over (each
	// page one indexed read); an error ends it.
	Members iter.Seq2[*Member, error]
	// Branch is the branch a member names, nil if it cannot be read
	// (looked up once per branch).
	Branch func(id string) *units.Unit
}

// Export is the roll of unit unitID's subtree for the caller to take away
// as a file: the caller must be allowed to read members at the unit (the
// the export right: a viewer's and up). statuses keeps only those (empty: every status). Nothing
// is read until Members is ranged over.
func (s *Service) Export(ctx context.Context, c *access.Caller, unitID string, statuses []Status) (*Roll, error) {
	u, err := s.units.Load(ctx, c, unitID, access.ObjExport, access.Read)
	if err != nil {
		return nil, err
	}
	s.rollRead(ctx, c, u, "export")
	all := func(yield func(*Member, error) bool) {
		q := Query{Path: u.Path, Statuses: statuses, Page: page.Request{Limit: exportPage}}
		for {
			res, err := s.store.ListMembers(ctx, q)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, m := range res.Items {
				if !yield(m, nil) {
					return
				}
			}
			if res.Next == "" {
				return
			}
			q.Page.Cursor = res.Next
		}
	}
	seen := map[string]*units.Unit{}
	branch := func(id string) *units.Unit {
		if b, ok := seen[id]; ok {
			return b
		}
		b, err := s.units.Load(ctx, c, id, access.ObjMember, access.Read)
		if err != nil {
			b = nil
		}
		seen[id] = b
		return b
	}
	return &Roll{Unit: u, Day: civil.Today(s.now()), Members: all, Branch: branch}, nil
}

// rollRead is where a caller's reading of a whole roll (an export; later
// perhaps a long list) is to be recorded for audit. It records nothing
// yet: the audit trail is its own piece of work, and it belongs here, in
// the service, so that every way of reading a roll passes through it.
func (s *Service) rollRead(ctx context.Context, c *access.Caller, u *units.Unit, how string) {
	_, _, _, _ = ctx, c, u, how
}
