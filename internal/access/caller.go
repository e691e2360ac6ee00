package access

import (
	"github.com/sohoi/sohoi/internal/errs"

	"github.com/sohoi/sohoi/internal/unitpath"
)

// Caller is who asks a service to do something: a signed-in user with the
// scope of their grants, or the system itself (a seed, a reconcile, the
// settler, an import job) named by what it is doing. Every public method
// of the domain services (units, members, officers, rollups, users) takes
// one and decides scope and role itself, in one style: outside the scope
// the object is not found (so that nobody learns what exists in another
// subtree), inside it but beyond the role the answer is forbidden.
type Caller struct {
	User  *User
	Scope *Scope

	authz  *Authorizer
	system string // what the system is doing; "" for a user
}

// Caller is u as a caller, with u's current grants as its scope.
func (a *Authorizer) Caller(u *User) *Caller {
	return &Caller{User: u, Scope: NewScope(u.ID, u.Grants), authz: a}
}

// System is the system acting for itself, named by the job: it may do
// anything anywhere. Only code that acts for no user uses it (seeding,
// reconcile, the settler, imports and restructure jobs), so that every
// place that bypasses the scope is visible in the code by this name.
func System(job string) *Caller {
	if job == "" {
		panic("access.System needs the name of the job")
	}
	return &Caller{User: &User{ID: "", Username: "system:" + job}, Scope: NewScope("", nil), system: job}
}

// IsSystem reports whether the caller is the system rather than a user.
// Every decision asks it first, so a nil caller fails loudly here instead
// of passing for anyone.
func (c *Caller) IsSystem() bool {
	if c == nil {
		panic("access: a nil caller; code acting for no user passes access.System(job)")
	}
	return c.system != ""
}

// Authorize decides whether the caller may do act to obj at the unit with
// path (its ancestors then itself): nil, errs.NotFound ("<what> not
// found") outside the scope, errs.Forbidden beyond the role.
func (c *Caller) Authorize(path unitpath.Path, obj Object, act Action, what string) error {
	if c.IsSystem() {
		return nil
	}
	return c.authz.Authorize(c.Scope, path, obj, act, what)
}

// Allowed is Authorize as a boolean, for filtering.
func (c *Caller) Allowed(path unitpath.Path, obj Object, act Action) bool {
	return c.IsSystem() || c.authz.Allowed(c.Scope, path, obj, act)
}

// Covers reports whether the caller's scope covers the unit with path,
// whatever the role.
func (c *Caller) Covers(path unitpath.Path) bool {
	return c.IsSystem() || c.Scope.Covers(path)
}

// CanGrant reports whether the caller may hand out (or take away) role on
// the unit with path: a grant covering the unit that may write users and
// whose role includes role. The system may grant anything.
func (c *Caller) CanGrant(path unitpath.Path, role Role) bool {
	return c.IsSystem() || c.authz.CanGrant(c.Scope, path, role)
}

// NotFound gives every not-found about one kind of object the same words
// ("unit not found"), whether the object does not exist, has a malformed
// id, or lies outside the caller's scope: a detail that differs (a store's
// "unit 06h… not found") would tell a caller which objects exist in other
// subtrees. Other errors pass through.
func NotFound(err error, what string) error {
	if errs.Is(err, errs.NotFound) {
		return errs.E(errs.NotFound, "%s not found", what)
	}
	return err
}
