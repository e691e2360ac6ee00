package httpapi_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/sohoi/sohoi/internal/app"
)

// failingDelete fails the next DeleteUser once, as a crash or a lost
// connection between revoking a user's logins and deleting the user would.
type failingDelete struct {
	app.Store
	fail atomic.Bool
}

func (f *failingDelete) DeleteUser(ctx context.Context, id string) error {
	if f.fail.CompareAndSwap(true, false) {
		return errors.New("connection lost")
	}
	return f.Store.DeleteUser(ctx, id)
}

// Deleting an account ends its logins before the account goes (the
// service does it, for every store): a delete that fails half-way leaves
// an account whose refresh tokens no longer work, and deleting it again
// finishes.
func TestADeleteInterruptedHalfWayHasEndedTheLogins(t *testing.T) {
	var fd *failingDelete
	e := newEnvOn(t, func(s app.Store) app.Store { fd = &failingDelete{Store: s}; return fd })
	prov := e.mustUnit("root", "province", "34")
	e.mustUser("leaving", "editor", prov.ID)
	pair := e.loginPair("leaving", "password-leaving")
	id := e.meID(pair.AccessToken)

	fd.fail.Store(true)
	e.expect(e.do("DELETE", "/api/v1/users/"+id, e.admin, nil), 500)
	e.expect(e.do("POST", "/api/v1/auth/refresh", "", map[string]string{"refreshToken": pair.RefreshToken}), 401, "unauthenticated")
	e.expect(e.do("GET", "/api/v1/me", pair.AccessToken, nil), 401, "unauthenticated")
	e.expect(e.do("DELETE", "/api/v1/users/"+id, e.admin, nil), 204)
	e.expect(e.do("GET", "/api/v1/users/"+id, e.admin, nil), 404)
}
