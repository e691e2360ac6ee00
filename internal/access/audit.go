package access

import (
	"context"

	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// AuditFields is an account as the audit trail records it: never its
// password hash (a password change shows as passwordChanged).
func (u *User) AuditFields() audit.Fields {
	if u == nil {
		return nil
	}
	grants := make([]map[string]string, len(u.Grants))
	for i, g := range u.Grants {
		grants[i] = map[string]string{"role": string(g.Role), "unitId": g.UnitID}
	}
	return audit.Fields{"username": u.Username, "displayName": u.DisplayName, "grants": grants,
		"disabled": u.Disabled, "version": u.Version}
}

// Actor is the caller as the audit trail names it.
func (c *Caller) Actor() (id, name string) {
	if c.IsSystem() {
		return "system", c.User.Username
	}
	return c.User.ID, c.User.Username
}

// rootID is the root unit's id (units.RootID, which access cannot import).
const rootID = "root"

// auditPath is where an account's entry stands: the deepest unit above
// every grant it had and has, so that the managers who may manage it see
// it in their subtree (the root for an account with no grant).
func auditPath(users ...*User) unitpath.Path {
	var common unitpath.Path
	first := true
	for _, u := range users {
		if u == nil {
			continue
		}
		for _, g := range u.Grants {
			if first {
				common, first = append(unitpath.Path(nil), g.Path...), false
				continue
			}
			n := 0
			for n < len(common) && n < len(g.Path) && common[n] == g.Path[n] {
				n++
			}
			common = common[:n]
		}
	}
	if len(common) == 0 {
		return unitpath.Path{rootID}
	}
	return common
}

// recordUser writes an account change through store with its entry;
// passwordChanged adds that fact (the hash itself is never recorded).
func (s *Users) recordUser(ctx context.Context, c *Caller, action string, before, after *User, passwordChanged bool, store func(ctx context.Context) error) error {
	bf, af := before.AuditFields(), after.AuditFields()
	if passwordChanged && af != nil {
		af["passwordChanged"] = true
	}
	b, a, _ := audit.Changed(bf, af)
	u := after
	if u == nil {
		u = before
	}
	e := &audit.Entry{Action: action, ObjectType: audit.ObjUser, ObjectID: u.ID, Path: auditPath(before, after), Before: b, After: a}
	id, name := c.Actor()
	return s.log.Change(ctx, e.By(id, name), store)
}
