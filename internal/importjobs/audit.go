package importjobs

import (
	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/members"
)

// AuditFields is a job as the trail records it: what was asked where and
// what became of it. The rows themselves are in the members' batch
// entries and the job's own report.
func (j *Job) AuditFields() audit.Fields {
	if j == nil {
		return nil
	}
	return audit.Fields{"unitId": j.UnitID, "status": string(j.Status), "dryRun": j.DryRun, "sheet": j.Sheet,
		"created": j.Created, "updated": j.Updated, "failed": j.Failed, "version": j.Version}
}

// jobEntry is the entry of a change to a job (its submission, its undo).
func jobEntry(c *access.Caller, action string, before, after *Job) *audit.Entry {
	b, a, _ := audit.Changed(before.AuditFields(), after.AuditFields())
	actor := members.ActorOf(c)
	return (&audit.Entry{Action: action, ObjectType: audit.ObjImport, ObjectID: after.ID, Path: after.Path,
		Before: b, After: a}).By(actor.ID, actor.Name)
}
