package members

import (
	"context"
	"encoding/json"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// AuditFields is a member as the audit trail records it: the personal
// data too, since managers must be able to say who changed what.
func (m *Member) AuditFields() audit.Fields {
	if m == nil {
		return nil
	}
	stints := make([]map[string]string, len(m.Stints))
	for i, s := range m.Stints {
		stints[i] = map[string]string{"branchId": s.BranchID, "from": s.From.String(), "to": s.To.String(),
			"startedBy": string(s.StartedBy), "endedBy": string(s.EndedBy)}
	}
	return audit.Fields{"branchId": m.BranchID, "fullName": m.FullName, "gender": string(m.Gender),
		"birthDate": m.BirthDate.String(), "nationalId": m.NationalID, "phone": m.Phone, "address": m.Address,
		"joinedOn": m.JoinedOn.String(), "memberNo": m.MemberNo, "status": string(m.Status), "leftOn": m.LeftOn.String(),
		"leaveReason": m.LeaveReason, "stints": stints, "version": m.Version}
}

// auditActor is the caller as the trail names it.
func auditActor(c *access.Caller, e *audit.Entry) *audit.Entry {
	a := ActorOf(c)
	return e.By(a.ID, a.Name)
}

// changeEntry is the entry of a member's change from before (nil for a
// create) to after, with the event's type as its detail.
func changeEntry(c *access.Caller, before, after *Member, ev *Event) *audit.Entry {
	b, a, _ := audit.Changed(before.AuditFields(), after.AuditFields())
	action := audit.Update
	if before == nil {
		action = audit.Create
	}
	return auditActor(c, &audit.Entry{Action: action, ObjectType: audit.ObjMember, ObjectID: after.ID, Path: after.Path,
		Before: b, After: a, Detail: audit.JSON(map[string]string{"event": string(ev.Type)})})
}

// RecordExport records that the caller exported the roll of unit unitID
// (the export endpoint calls it before writing the file, so that no file
// leaves unrecorded); detail says what was exported (format, filters,
// how many rows). The caller must be allowed to export there.
func (s *Service) RecordExport(ctx context.Context, c *access.Caller, unitID string, detail audit.Fields) error {
	u, err := s.units.Load(ctx, c, unitID, access.ObjExport, access.Read)
	if err != nil {
		return err
	}
	return s.log.Access(ctx, auditActor(c, &audit.Entry{Action: audit.Export, ObjectType: audit.ObjRoll, ObjectID: u.ID,
		Path: u.Path, Detail: audit.JSON(detail)}))
}

// recordList records a page of a roll or a search: the unit and the
// query, not every member.
func (s *Service) recordList(ctx context.Context, c *access.Caller, u *units.Unit, branchID string, q Query) error {
	statuses := make([]string, len(q.Statuses))
	for i, st := range q.Statuses {
		statuses[i] = string(st)
	}
	return s.log.Access(ctx, auditActor(c, &audit.Entry{Action: audit.List, ObjectType: audit.ObjRoll, ObjectID: u.ID,
		Path: u.Path, Detail: audit.JSON(map[string]any{"branchId": branchID, "words": q.Words, "statuses": statuses,
			"cursor": q.Page.Cursor != "", "limit": q.Page.Limit})}))
}

// batchEntry is the one entry of a batch written in one store call (an
// import's batch): it stands at the deepest unit above the batch's
// members and keeps, per member id, the fields before and after, so the
// trail says what each row changed as a single change's entry would.
func batchEntry(c *access.Caller, action, job string, before, after []*Member) *audit.Entry {
	paths := make([]unitpath.Path, len(after))
	ids := make([]string, len(after))
	bs, as := map[string]json.RawMessage{}, map[string]json.RawMessage{}
	for i, m := range after {
		paths[i], ids[i] = m.Path, m.ID
		var prev *Member
		if before != nil {
			prev = before[i]
		}
		b, a, _ := audit.Changed(prev.AuditFields(), m.AuditFields())
		if b != nil {
			bs[m.ID] = b
		}
		if a != nil {
			as[m.ID] = a
		}
	}
	e := audit.Batch(action, audit.ObjMember, job, paths, ids)
	if len(bs) > 0 {
		e.Before = audit.JSON(bs)
	}
	e.After = audit.JSON(as)
	return auditActor(c, e)
}
