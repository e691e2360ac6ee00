package members

import (
	"time"

	"github.com/sohoi/sohoi/internal/civil"
)

// EventType names a change in a member's history.
type EventType string

const (
	Joined      EventType = "joined"
	Updated     EventType = "updated"
	Transferred EventType = "transferred"
	LeftEvent   EventType = "left"
	Died        EventType = "died"
)

// Event is one change to a member: who made it and when (At), and for
// membership events the day it happened (On), which may be long before it
// was recorded.
type Event struct {
	MemberID     string
	Seq          int // the member's version after this event
	Type         EventType
	On           civil.Date
	At           time.Time
	ActorID      string
	ActorName    string
	Changes      []Change
	FromBranchID string
	ToBranchID   string
	Reason       string
	// Job is the import job that made the change, if one did: how a job
	// resumed after a crash, and its undo, find the changes it made.
	Job string
}

// Change is one field's value before and after.
type Change struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Actor is who makes a change.
type Actor struct {
	ID   string
	Name string
}
