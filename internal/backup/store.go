package backup

import (
	"context"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/store"
)

// Store is what a backup reads and a restore writes: every store interface
// of the domain, and the few methods only a backup needs.
type Store interface {
	store.Store
	Extra
}

// Extra is what a store adds for backups: a list of every account (the
// domain lists users only by the units they are granted), and writes that
// keep a record exactly as it was, which the domain's own writes never do
// (they append one event, bump a version, number and seal an audit entry).
// The restore writes are for an empty database only.
type Extra interface {
	// AllUsers returns up to limit accounts with ids above after, by id.
	AllUsers(ctx context.Context, after string, limit int) ([]*access.User, error)
	// AllRefreshTokens returns up to limit refresh tokens with ids above
	// after, by id: the logins a restore keeps.
	AllRefreshTokens(ctx context.Context, after string, limit int) ([]*access.RefreshToken, error)
	// RestoreMembers inserts members with their whole histories.
	RestoreMembers(ctx context.Context, ms []*members.Member, histories [][]*members.Event) error
	// RestoreBoard inserts a unit's board at its version.
	RestoreBoard(ctx context.Context, b *officers.Board) error
	// RestoreAudit inserts sealed entries as they are, in order, and moves
	// the trail's head to the last one, so that the next entry follows it.
	RestoreAudit(ctx context.Context, es []*audit.Entry) error
}
