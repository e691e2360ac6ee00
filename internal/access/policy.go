package access

import (
	"fmt"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	stringadapter "github.com/casbin/casbin/v2/persist/string-adapter"
)

type permKey struct {
	role Role
	obj  Object
	act  Action
}

// Policy answers "may role R do A to O" from the casbin model and policy.
// casbin holds only the ~20 role rules, never the users' grants; its
// answers are computed once when the policy loads, so a check costs a map
// lookup (shared/DESIGN.md, "Scope", has the measurements behind this).
type Policy struct {
	allowed  map[permKey]bool
	includes map[[2]Role]bool // includes[{a,b}]: role a holds everything of role b
}

// LoadPolicy builds a Policy from a casbin model and policy text.
func LoadPolicy(modelText, policyText string) (*Policy, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("casbin model: %w", err)
	}
	e, err := casbin.NewEnforcer(m, stringadapter.NewAdapter(policyText))
	if err != nil {
		return nil, fmt.Errorf("casbin policy: %w", err)
	}
	p := &Policy{allowed: map[permKey]bool{}, includes: map[[2]Role]bool{}}
	for _, r := range Roles {
		for _, o := range Objects {
			for _, a := range []Action{Read, Write} {
				ok, err := e.Enforce(string(r), string(o), string(a))
				if err != nil {
					return nil, fmt.Errorf("casbin enforce: %w", err)
				}
				p.allowed[permKey{r, o, a}] = ok
			}
		}
		implied, err := e.GetImplicitRolesForUser(string(r))
		if err != nil {
			return nil, err
		}
		p.includes[[2]Role{r, r}] = true
		for _, b := range implied {
			p.includes[[2]Role{r, Role(b)}] = true
		}
	}
	return p, nil
}

// Allows reports whether role may do act to obj.
func (p *Policy) Allows(role Role, obj Object, act Action) bool {
	return p.allowed[permKey{role, obj, act}]
}

// Includes reports whether role a is b or holds everything b holds: a
// caller may hand out only roles its own role includes.
func (p *Policy) Includes(a, b Role) bool { return p.includes[[2]Role{a, b}] }

// ValidRole reports whether r is a role of the policy.
func (p *Policy) ValidRole(r Role) bool { return p.includes[[2]Role{r, r}] }
