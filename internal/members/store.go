package members

import (
	"context"

	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Store keeps member rolls and their history.
type Store interface {
	// CreateMember inserts m and its first event. Another active member
	// with the same national ID is errs.DuplicateNationalID (enforced by the
	// database, so concurrent creates cannot both win: a unique index on
	// SQLite, the claims of nationalIds on MongoDB).
	CreateMember(ctx context.Context, m *Member, ev *Event) error
	// GetMember returns a member or errs.NotFound, looking in the
	// provinces in (a member living elsewhere is not found).
	GetMember(ctx context.Context, id string, in Provinces) (*Member, error)
	// UpdateMember replaces m if the stored version is m.Version-1 and
	// appends ev, as one atomic change: errs.VersionMismatch otherwise,
	// errs.DuplicateNationalID as for CreateMember.
	UpdateMember(ctx context.Context, m *Member, ev *Event) error
	// MoveMember stores the change from prev to m (m.Version is
	// prev.Version+1) when it takes the member to another province (a
	// transfer, a correction of its branch), as UpdateMember stores any
	// change: on MongoDB the member's document is keyed by its province,
	// so the change is a resumable move of the document rather than an
	// update in place (docs/sharding.md §5.3); SQLite updates the row.
	MoveMember(ctx context.Context, prev, m *Member, ev *Event) error
	// CreateMembers inserts many new members with their first events in
	// one store call (the bulk path of imports): in order, each member
	// stored whole or not at all; an error may leave the members before
	// the failing one stored (SQLite stores none: one transaction), and
	// calling again with the same records finishes the work. A duplicate
	// active national ID is errs.DuplicateNationalID.
	CreateMembers(ctx context.Context, ms []*Member, evs []*Event) error
	// UpdateMembers stores many changes as UpdateMember stores each, in
	// one store call, in order; an error may leave the changes before the
	// failing one stored (SQLite stores none).
	UpdateMembers(ctx context.Context, ms []*Member, evs []*Event) error
	// MembersByNumber returns the members of the branch at path branch
	// (any status) whose member number is memberNo: how an import matches
	// a card number.
	MembersByNumber(ctx context.Context, branch unitpath.Path, memberNo string) ([]*Member, error)
	// MembersByName returns the members below top (any status) filed
	// under one of keys (Member.NameKey): how an import finds a row's
	// namesakes born the same year.
	MembersByName(ctx context.Context, top unitpath.Path, keys []string) ([]*Member, error)
	// ActiveMemberByNationalID finds the active member holding an ID.
	ActiveMemberByNationalID(ctx context.Context, nationalID string) (*Member, error)
	// ListMembers lists members of a subtree in the official order.
	ListMembers(ctx context.Context, q Query) (page.Result[*Member], error)
	// MemberHistory returns a member's events, oldest first, looking in
	// the provinces in (a caller that read the member first passes its
	// province); a store may find them elsewhere too (SQLite: one table).
	MemberHistory(ctx context.Context, id string, in Provinces) ([]*Event, error)
}

// Query selects members of the subtree of the unit at Path.
type Query struct {
	// Path is the unit's path (the service resolved the unit to check
	// scope): its last id is the unit, its province where a sharded store
	// looks (docs/sharding.md §5.2).
	Path unitpath.Path
	// Words are folded words that must all be words of the name.
	Words []string
	// Statuses keeps only these statuses; empty means every status.
	Statuses []Status
	Page     page.Request
	// Brief leaves Stints out of the members listed: the API's lists do
	// not show them, and decoding them was an eighth of the server's CPU
	// under the issue-15 reads (pprof, README "Load test"). Whoever needs
	// a member's periods (exports, backups, imports) leaves it false.
	Brief bool
}
