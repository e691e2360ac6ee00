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
	// GetMember returns a member or errs.NotFound.
	GetMember(ctx context.Context, id string) (*Member, error)
	// UpdateMember replaces m if the stored version is m.Version-1 and
	// appends ev, as one atomic change: errs.VersionMismatch otherwise,
	// errs.DuplicateNationalID as for CreateMember.
	UpdateMember(ctx context.Context, m *Member, ev *Event) error
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
	// MembersByNumber returns the members of a branch (any status) whose
	// member number is memberNo: how an import matches a card number.
	MembersByNumber(ctx context.Context, branchID, memberNo string) ([]*Member, error)
	// MembersByName returns the members below top (any status) filed
	// under one of keys (Member.NameKey): how an import finds a row's
	// namesakes born the same year.
	MembersByName(ctx context.Context, top unitpath.Path, keys []string) ([]*Member, error)
	// ActiveMemberByNationalID finds the active member holding an ID.
	ActiveMemberByNationalID(ctx context.Context, nationalID string) (*Member, error)
	// ListMembers lists members of a subtree in the official order.
	ListMembers(ctx context.Context, q Query) (page.Result[*Member], error)
	// MemberHistory returns a member's events, oldest first.
	MemberHistory(ctx context.Context, id string) ([]*Event, error)
}

// Query selects members of the subtree of UnitID.
type Query struct {
	UnitID string
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
