package access

import "context"

// InScope reports whether the user with this id lies in the caller's
// scope: the caller itself, or a user holding a grant on a unit the
// caller's grants cover. Records that name who made a change (a member's
// history) show only such users, so that a reader does not learn the
// accounts of other subtrees. An unknown or deleted user is not in scope.
func (s *Users) InScope(ctx context.Context, c *Caller, id string) bool {
	if id == c.User.ID {
		return true
	}
	u, err := s.store.GetUser(ctx, id)
	if err != nil {
		return false
	}
	for _, g := range u.Grants {
		if c.Covers(g.Path) {
			return true
		}
	}
	return false
}
