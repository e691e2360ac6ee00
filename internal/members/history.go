package members

import (
	"context"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/page"
)

// SeenEvent is an event of a member's history as one reader may see it: a
// member who moved in from another province must not reveal that
// province's branch ids or accounts.
type SeenEvent struct {
	*Event
	// ActorHidden: the actor is not a user in the reader's scope.
	ActorHidden bool
	// FromBranchHidden, ToBranchHidden: that branch lies outside the
	// reader's scope; its id is left out of the event.
	FromBranchHidden bool
	ToBranchHidden   bool
}

// History returns a page of the changes to member id, oldest first, which
// the caller must be allowed to read, with what the caller may not see left
// out.
func (s *Service) History(ctx context.Context, c *access.Caller, id string, p page.Request) ([]SeenEvent, string, error) {
	m, err := s.load(ctx, c, id, access.Read)
	if err != nil {
		return nil, "", err
	}
	if err := s.log.Access(ctx, auditActor(c, &audit.Entry{Action: audit.Read, ObjectType: audit.ObjMember, ObjectID: m.ID,
		Path: m.Path, Detail: audit.JSON(map[string]string{"what": "history"})})); err != nil {
		return nil, "", err
	}
	all, err := s.store.MemberHistory(ctx, m.ID, InProvinces(m.Path.Province()))
	if err != nil {
		return nil, "", err
	}
	evs, next := page.Slice(all, p)
	v := &historyView{s: s, c: c, users: map[string]bool{}, branches: map[string]bool{}}
	out := make([]SeenEvent, len(evs))
	for i, e := range evs {
		out[i] = v.see(ctx, e)
	}
	return out, next, nil
}

// historyView remembers, for one reader and one page, which users and
// branches it may see: a history names few distinct ones.
type historyView struct {
	s        *Service
	c        *access.Caller
	users    map[string]bool
	branches map[string]bool
}

func (v *historyView) userVisible(ctx context.Context, id string) bool {
	ok, seen := v.users[id]
	if !seen {
		ok = v.c.IsSystem() || v.s.accounts != nil && v.s.accounts.InScope(ctx, v.c, id)
		v.users[id] = ok
	}
	return ok
}

func (v *historyView) branchVisible(ctx context.Context, id string) bool {
	if id == "" {
		return true
	}
	ok, seen := v.branches[id]
	if !seen {
		_, err := v.s.units.Load(ctx, v.c, id, access.ObjUnit, access.Read)
		ok = err == nil
		v.branches[id] = ok
	}
	return ok
}

func (v *historyView) see(ctx context.Context, e *Event) SeenEvent {
	cp := *e
	out := SeenEvent{Event: &cp}
	if !v.userVisible(ctx, e.ActorID) {
		out.ActorHidden = true
		cp.ActorID, cp.ActorName = "", ""
	}
	if !v.branchVisible(ctx, e.FromBranchID) {
		out.FromBranchHidden, cp.FromBranchID = true, ""
	}
	if !v.branchVisible(ctx, e.ToBranchID) {
		out.ToBranchHidden, cp.ToBranchID = true, ""
	}
	return out
}
