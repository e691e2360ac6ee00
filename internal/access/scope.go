package access

import "github.com/sohoi/sohoi/internal/unitpath"

// Scope is what a caller's grants cover. It is built once per request from
// the caller's grants; every decision then needs only the target unit's path
// (its ancestors and itself), which the target carries.
type Scope struct {
	UserID string
	Grants []Grant
	byUnit map[string][]Role
}

// NewScope indexes grants by unit.
func NewScope(userID string, grants []Grant) *Scope {
	s := &Scope{UserID: userID, Grants: grants, byUnit: make(map[string][]Role, len(grants))}
	for _, g := range grants {
		s.byUnit[g.UnitID] = append(s.byUnit[g.UnitID], g.Role)
	}
	return s
}

// rolesOn calls fn for every role the scope holds on a unit of path (the
// target's ancestors then the target, root first), until fn returns true.
func (s *Scope) rolesOn(path unitpath.Path, fn func(Role) bool) bool {
	for _, id := range path {
		for _, r := range s.byUnit[id] {
			if fn(r) {
				return true
			}
		}
	}
	return false
}

// Covers reports whether any grant covers the unit with this path.
func (s *Scope) Covers(path unitpath.Path) bool {
	return s.rolesOn(path, func(Role) bool { return true })
}
