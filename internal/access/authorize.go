package access

import (
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Authorizer is the one authorisation function of sohoi.
type Authorizer struct {
	policy *Policy
}

// NewAuthorizer wraps a loaded policy.
func NewAuthorizer(p *Policy) *Authorizer { return &Authorizer{policy: p} }

// Policy returns the role policy.
func (a *Authorizer) Policy() *Policy { return a.policy }

// Authorize decides whether the scope may do act to obj at the unit with
// path (its ancestors then itself). Outside the scope the answer is
// not_found, so that a caller never learns what exists in another subtree;
// inside it but without the permission, forbidden. what names the object in
// the not-found detail.
func (a *Authorizer) Authorize(s *Scope, path unitpath.Path, obj Object, act Action, what string) error {
	covered := false
	if s.rolesOn(path, func(r Role) bool {
		covered = true
		return a.policy.Allows(r, obj, act)
	}) {
		return nil
	}
	if !covered {
		return errs.E(errs.NotFound, "%s not found", what)
	}
	return errs.E(errs.Forbidden, "your role does not allow %s %s here", act, obj)
}

// Allowed is Authorize as a boolean, for filtering.
func (a *Authorizer) Allowed(s *Scope, path unitpath.Path, obj Object, act Action) bool {
	return s.rolesOn(path, func(r Role) bool { return a.policy.Allows(r, obj, act) })
}

// CanGrant reports whether the scope may hand out (or take away) role on the
// unit with path: it needs a grant covering the unit that may write users
// and whose role includes role.
func (a *Authorizer) CanGrant(s *Scope, path unitpath.Path, role Role) bool {
	return s.rolesOn(path, func(r Role) bool {
		return a.policy.Allows(r, ObjUser, Write) && a.policy.Includes(r, role)
	})
}
