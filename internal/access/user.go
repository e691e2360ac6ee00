package access

import (
	"context"
	"time"

	"github.com/sohoi/sohoi/internal/page"
)

// User is an account that signs in to the API.
type User struct {
	ID           string
	Username     string
	DisplayName  string
	PasswordHash string
	Grants       []Grant
	// Disabled accounts cannot sign in, and their logins have ended.
	Disabled  bool
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// UserStore keeps accounts and their grants.
type UserStore interface {
	// CreateUser inserts u; a taken username is errs.Conflict.
	CreateUser(ctx context.Context, u *User) error
	GetUser(ctx context.Context, id string) (*User, error)
	GetUserByUsername(ctx context.Context, username string) (*User, error)
	// UpdateUser replaces u's fields and grants if the stored version is
	// u.Version-1, else errs.VersionMismatch.
	UpdateUser(ctx context.Context, u *User) error
	// DeleteUser removes the user, or is errs.NotFound. Its logins are the
	// caller's to revoke (Users.Delete does, first).
	DeleteUser(ctx context.Context, id string) error
	// ListUsers lists, by username, the users holding at least one grant on
	// a unit within one of the subtrees of underUnits.
	ListUsers(ctx context.Context, underUnits []string, p page.Request) (page.Result[*User], error)
	// HasUsers reports whether any account exists (for the bootstrap admin).
	HasUsers(ctx context.Context) (bool, error)
}
