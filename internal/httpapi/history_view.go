package httpapi

import (
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
)

// eventJSON is one event of a member's history as the reader may see it.
type eventJSON struct {
	Seq     int               `json:"seq"`
	Type    members.EventType `json:"type"`
	On      civil.Date        `json:"on"`
	At      time.Time         `json:"at"`
	Actor   *actorJSON        `json:"actor"` // null: not a user in the reader's scope
	Changes []members.Change  `json:"changes,omitempty"`
	// A branch outside the reader's scope is not named: its id is left out
	// and the matching *OutsideScope flag is set.
	FromBranchID           string `json:"fromBranchId,omitempty"`
	FromBranchOutsideScope bool   `json:"fromBranchOutsideScope,omitempty"`
	ToBranchID             string `json:"toBranchId,omitempty"`
	ToBranchOutsideScope   bool   `json:"toBranchOutsideScope,omitempty"`
	Reason                 string `json:"reason,omitempty"`
}

type actorJSON struct {
	ID       string `json:"id"`
	Username string `json:"username"`
}

// historyView decides, for one reader, which users and branches named in a
// history it may see: a member who moved in from another province must not
// reveal that province's branch ids or accounts. Answers are remembered for
// the request, since a history names few distinct users and branches.
type historyView struct {
	s        *server
	c        *gin.Context
	caller   *access.Caller
	users    map[string]bool
	branches map[string]bool
}

func (s *server) historyView(c *gin.Context) *historyView {
	return &historyView{s: s, c: c, caller: callerOf(c), users: map[string]bool{}, branches: map[string]bool{}}
}

func (v *historyView) userVisible(id string) bool {
	ok, seen := v.users[id]
	if !seen {
		ok = v.s.Users.InScope(v.c.Request.Context(), v.caller, id)
		v.users[id] = ok
	}
	return ok
}

func (v *historyView) branchVisible(id string) bool {
	ok, seen := v.branches[id]
	if !seen {
		u, err := v.s.Units.Get(v.c.Request.Context(), id)
		ok = err == nil && v.caller.Scope.Covers(u.Path)
		v.branches[id] = ok
	}
	return ok
}

// branch is the id to show and whether it was withheld.
func (v *historyView) branch(id string) (string, bool) {
	if id == "" || v.branchVisible(id) {
		return id, false
	}
	return "", true
}

func (v *historyView) event(e *members.Event) eventJSON {
	out := eventJSON{Seq: e.Seq, Type: e.Type, On: e.On, At: e.At, Changes: e.Changes, Reason: e.Reason}
	if v.userVisible(e.ActorID) {
		out.Actor = &actorJSON{ID: e.ActorID, Username: e.ActorName}
	}
	out.FromBranchID, out.FromBranchOutsideScope = v.branch(e.FromBranchID)
	out.ToBranchID, out.ToBranchOutsideScope = v.branch(e.ToBranchID)
	return out
}
