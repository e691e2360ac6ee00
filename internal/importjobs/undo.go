package importjobs

import (
	"context"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/imports"
	"github.com/sohoi/sohoi/internal/members"
)

// UndoReason is the reason recorded on a member an undone import had
// created: they leave the roll, their history stays.
const UndoReason = "import undone"

// Undo takes back what a finished (or failed) import did, as the caller (who must be
// allowed to write members at the job's unit): a member it created leaves
// the roll (left today, reason "import undone", history kept), a member
// it updated gets the fields back as they were (an update, in the
// history). A member changed since by anyone is left as it is and listed
// in the job's Left, with why. Counting follows the members service.
func (s *Service) Undo(ctx context.Context, c *access.Caller, id string) (*Job, error) {
	j, err := s.load(ctx, c, id, access.Write)
	if err != nil {
		return nil, err
	}
	switch {
	case j.DryRun:
		return nil, errs.E(errs.Conflict, "a dry run changed nothing to undo")
	case j.Status == Undone:
		return nil, errs.E(errs.Conflict, "this import is undone already")
	case j.Status != Done && j.Status != Failed:
		return nil, errs.E(errs.Conflict, "only a finished or failed import can be undone; this one is %s", j.Status)
	}
	today := civil.Today(s.now())
	var left []LeftRow
	after := 0
	for {
		rows, err := s.jobs.ImportRows(ctx, j.ID, after, s.batch)
		if err != nil {
			return nil, err
		}
		var edits []members.Edit
		var editRows []RowResult
		for _, r := range rows {
			after = r.Row
			switch r.Decision {
			case imports.Create:
				m, err := s.members.Get(ctx, c, r.MemberID)
				if err == nil && m.Version != r.Version {
					left = append(left, LeftRow{Row: r.Row, MemberID: r.MemberID, Reason: "changed since the import"})
					continue
				}
				if err == nil {
					_, err = s.members.Leave(ctx, c, r.MemberID, members.Left, today, UndoReason)
				}
				if err != nil {
					left = append(left, LeftRow{Row: r.Row, MemberID: r.MemberID, Reason: reason(err)})
				}
			case imports.Update:
				edits = append(edits, members.Edit{ID: r.MemberID, Version: r.Version, Patch: restore(r.Changes)})
				editRows = append(editRows, r)
			}
		}
		if len(edits) > 0 {
			_, failed, err := s.members.UpdateBatch(ctx, c, j.ID, edits)
			if err != nil {
				return nil, err
			}
			for k, ferr := range failed {
				if ferr != nil {
					left = append(left, LeftRow{Row: editRows[k].Row, MemberID: editRows[k].MemberID, Reason: reason(ferr)})
				}
			}
		}
		if len(rows) < s.batch {
			break
		}
	}
	before := *j
	j.Status, j.Left = Undone, left
	stored := *j
	stored.Version++ // as save stores it
	if err := s.log.Change(ctx, jobEntry(c, audit.Restore, &before, &stored), func(ctx context.Context) error { return s.save(ctx, j) }); err != nil {
		return nil, err
	}
	return j, nil
}

// reason says why an undo left a row.
func reason(err error) string {
	switch {
	case errs.Is(err, errs.VersionMismatch):
		return "changed since the import"
	case errs.Is(err, errs.Conflict):
		return "changed since the import: " + err.Error()
	case errs.Is(err, errs.NotFound), errs.Is(err, errs.Forbidden):
		return "not yours to change now"
	}
	return err.Error()
}

// restore is the correction that puts an update's fields back.
func restore(changes []members.Change) members.Patch {
	var p members.Patch
	for _, c := range changes {
		from := c.From
		switch imports.Field(c.Field) {
		case imports.FullName:
			p.FullName = &from
		case imports.Gender:
			g := members.Gender(from)
			p.Gender = &g
		case imports.BirthDate:
			d, _ := civil.Parse(from)
			p.BirthDate = &d
		case imports.NationalID:
			p.NationalID = &from
		case imports.Phone:
			p.Phone = &from
		case imports.Address:
			p.Address = &from
		case imports.JoinedOn:
			d, _ := civil.Parse(from)
			p.JoinedOn = &d
		case imports.MemberNo:
			p.MemberNo = &from
		}
	}
	return p
}
