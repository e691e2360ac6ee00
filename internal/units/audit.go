package units

import "github.com/sohoi/sohoi/internal/audit"

// AuditFields is a unit as the audit trail records it.
func (u *Unit) AuditFields() audit.Fields {
	if u == nil {
		return nil
	}
	return audit.Fields{"parentId": u.ParentID, "level": string(u.Level), "name": u.Name, "code": u.Code,
		"status": string(u.Status), "mergedInto": u.MergedInto, "version": u.Version}
}

// auditEntry is the entry of a change from before to after (nil for a
// create) made by actor (id, name).
func auditEntry(action string, before, after *Unit, actorID, actorName string) *audit.Entry {
	b, a, _ := audit.Changed(before.AuditFields(), after.AuditFields())
	u := after
	if u == nil {
		u = before
	}
	e := &audit.Entry{Action: action, ObjectType: audit.ObjUnit, ObjectID: u.ID, Path: u.Path, Before: b, After: a}
	return e.By(actorID, actorName)
}
