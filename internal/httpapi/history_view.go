package httpapi

import (
	"time"

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

// toEventJSON writes an event as its reader may see it (members.History
// decided what that is).
func toEventJSON(e members.SeenEvent) eventJSON {
	out := eventJSON{Seq: e.Seq, Type: e.Type, On: e.On, At: e.At, Changes: e.Changes, Reason: e.Reason,
		FromBranchID: e.FromBranchID, FromBranchOutsideScope: e.FromBranchHidden,
		ToBranchID: e.ToBranchID, ToBranchOutsideScope: e.ToBranchHidden}
	if !e.ActorHidden {
		out.Actor = &actorJSON{ID: e.ActorID, Username: e.ActorName}
	}
	return out
}
