package officers

import (
	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// AuditFields is a post as the audit trail records it.
func (o *Officer) AuditFields() audit.Fields {
	if o == nil {
		return nil
	}
	return audit.Fields{"memberId": o.MemberID, "fullName": o.FullName, "position": string(o.Position),
		"termLabel": o.TermLabel, "from": o.From.String(), "to": o.To.String(), "version": o.Version}
}

// postOf is post id on b, or nil.
func postOf(b *Board, id string) *Officer {
	for _, p := range b.Posts {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// auditEntry is the entry of a change to post id at the unit with path.
func auditEntry(c *access.Caller, action, id string, path unitpath.Path, before, after audit.Fields) *audit.Entry {
	b, a, _ := audit.Changed(before, after)
	e := &audit.Entry{Action: action, ObjectType: audit.ObjOfficer, ObjectID: id, Path: path, Before: b, After: a}
	if c.IsSystem() {
		return e.By("system", c.User.Username)
	}
	return e.By(c.User.ID, c.User.Username)
}
