// Package audit is the audit trail: who changed what (with the fields
// before and after), and who read or exported personal data. Entries are
// written by the services, with the change they record (Log.Change), and
// chained by hash (Seal, Verify) so that an entry changed, removed or
// inserted in the store is found. It imports neither access nor a store:
// the services build the entries, the stores keep them (Store).
package audit

import (
	"encoding/json"
	"time"

	"github.com/sohoi/sohoi/internal/unitpath"
)

// State says whether the change an entry records is stored.
type State string

const (
	// Pending: written before its change (stores without transactions);
	// Recover settles it by looking at the stored object.
	Pending State = "pending"
	// Done: the change is stored (a read is done when recorded).
	Done State = "done"
	// Void: the change never happened (it failed, or its writer crashed
	// before it), or the entry fills a sequence number taken by a writer
	// that crashed before writing its entry.
	Void State = "void"
)

// Actions are "<object>.<verb>". Reads of personal data have their own
// verbs so that "who read this roll" is one filter.
const (
	Create  = "create"
	Update  = "update"
	Delete  = "delete"
	Read    = "read"    // one object by id
	List    = "list"    // a page of a roll, or a search: the unit and the query, not every member
	Export  = "export"  // a roll written to a file
	Import  = "import"  // a batch of rows applied
	Restore = "restore" // reserved for undo of imports
)

// Object types.
const (
	ObjUnit        = "unit"
	ObjMember      = "member"
	ObjOfficer     = "officer"
	ObjUser        = "user"
	ObjRoll        = "roll" // the members of a unit's subtree, as read or exported
	ObjImport      = "import"
	ObjRestructure = "restructure"
	ObjFiller      = "filler" // a void entry filling a lost sequence number
	// Issue 20's records.
	ObjRecognition = "recognition"
	ObjEvidence    = "evidence" // a file shown for a recognition's criterion (the link)
	ObjFundEntry   = "fund_entry"
	ObjAward       = "award"
)

// Entry is one line of the trail.
type Entry struct {
	// Seq is the entry's place in the store's one chain, from 1.
	Seq       int64
	At        time.Time
	ActorID   string // a user's id, or "system"
	ActorName string // the username, or "system:<job>"
	// Action is a verb above (create, update, delete, read, list, export…).
	Action     string
	ObjectType string
	ObjectID   string
	// Path is where the object stands (a member's branch, a unit itself,
	// a user's first grant): what the subtree filter and the scope see.
	Path unitpath.Path
	// Before and After are JSON objects of the fields that changed (the
	// whole object for a create or delete); Detail says what was read (the
	// query of a roll page or search, the format of an export).
	Before json.RawMessage
	After  json.RawMessage
	Detail json.RawMessage
	State  State
	// PrevHash is the previous entry's Hash; Hash the SHA-256 of this
	// entry's canonical encoding, PrevHash included (Seal). Both are ""
	// until the entry is sealed into the chain.
	PrevHash string
	Hash     string
}

// By names the actor of an entry; services pass the caller's user id and
// username, or "system" and "system:<job>".
func (e *Entry) By(id, name string) *Entry {
	e.ActorID, e.ActorName = id, name
	return e
}

// Query selects entries for the API: a subtree, an object, an actor and
// a time window, newest first.
type Query struct {
	Under      unitpath.Path // required: the subtree
	ObjectType string
	ObjectID   string
	ActorID    string
	Since      time.Time // inclusive; zero means no bound
	Until      time.Time // exclusive; zero means no bound
	// After is the cursor: the Seq of the last entry of the previous page
	// (entries come newest first, so the next page has smaller seqs).
	After int64
	Limit int
}
