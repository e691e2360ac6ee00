package records

import (
	"encoding/json"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// FieldsOf is a record as the audit trail records it: its JSON fields
// (the path is the entry's own). app's audit objects give a stored record
// the same way, so that Recover can tell a change stored from one not.
func FieldsOf(v any) audit.Fields {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return audit.Fields{"error": err.Error()}
	}
	var f audit.Fields
	if err := json.Unmarshal(b, &f); err != nil {
		return audit.Fields{"error": err.Error()}
	}
	delete(f, "path")
	return f
}

// entry is the trail's entry of a change to one record.
func entry(c *access.Caller, action, objectType, id string, path unitpath.Path, before, after audit.Fields) *audit.Entry {
	b, a, _ := audit.Changed(before, after)
	e := &audit.Entry{Action: action, ObjectType: objectType, ObjectID: id, Path: path, Before: b, After: a}
	if c.IsSystem() {
		return e.By("system", c.User.Username)
	}
	return e.By(c.User.ID, c.User.Username)
}
