package importjobs

import (
	"context"
	"errors"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/imports"
	"github.com/sohoi/sohoi/internal/members"
)

// apply writes a batch's creates and updates through the members service
// (nothing in a dry run) and returns every row's result, in file order.
func (r *run) apply(ctx context.Context, batch []pending) ([]RowResult, error) {
	out := make([]RowResult, len(batch))
	var creates []members.NewMember
	var edits []members.Edit
	var createAt, editAt []int
	for i, pd := range batch {
		d := pd.d
		out[i] = RowResult{Row: d.Row, Decision: d.Action, MemberID: d.MemberID, Changes: d.Changes,
			Candidates: d.Candidates, Errors: d.Errors, Cells: pd.p.Cells}
		if d.Action == imports.Unchanged {
			out[i].Version = pd.version
		}
		if r.req.DryRun {
			continue
		}
		switch d.Action {
		case imports.Create:
			creates, createAt = append(creates, members.NewMember{BranchID: pd.branchID, Input: pd.p.Input}), append(createAt, i)
		case imports.Update:
			edits, editAt = append(edits, members.Edit{ID: d.MemberID, Version: pd.version, Patch: patchOf(pd.p.Input, d.Changes)}), append(editAt, i)
		}
	}
	if r.req.Skip > 0 && !r.recovered && !r.req.DryRun {
		// The first batch after a resume may have been written before the
		// stop, its rows not yet recorded: those rows now come out
		// unchanged, and the job's own events on the member say what the
		// job did to it.
		r.recovered = true
		for i := range out {
			if out[i].Decision == imports.Unchanged {
				if err := r.recover(ctx, &out[i]); err != nil {
					return nil, err
				}
			}
		}
	}
	if len(creates) > 0 {
		made, failed, err := r.s.members.CreateBatch(ctx, r.c, r.req.Job, creates)
		if err != nil {
			return nil, err
		}
		for k, i := range createAt {
			if failed[k] != nil {
				out[i] = rowFailed(out[i], failed[k])
				continue
			}
			out[i].MemberID, out[i].Version = made[k].ID, made[k].Version
		}
	}
	if len(edits) > 0 {
		done, failed, err := r.s.members.UpdateBatch(ctx, r.c, r.req.Job, edits)
		if err != nil {
			return nil, err
		}
		for k, i := range editAt {
			if failed[k] != nil {
				out[i] = rowFailed(out[i], failed[k])
				continue
			}
			out[i].Version = done[k].Version
		}
	}
	return out, nil
}

// rowFailed turns a row the service refused into an error row, by field
// when the service named them.
func rowFailed(r RowResult, err error) RowResult {
	r.Decision, r.Changes, r.Candidates = imports.Error, nil, nil
	var e *errs.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		for _, f := range e.Fields {
			r.Errors = append(r.Errors, imports.RowError{Row: r.Row, Field: f.Field, Message: f.Message})
		}
		return r
	}
	if errors.As(err, &e) {
		r.Errors = append(r.Errors, imports.RowError{Row: r.Row, Message: e.Detail})
		return r
	}
	r.Errors = append(r.Errors, imports.RowError{Row: r.Row, Message: err.Error()})
	return r
}

// patchOf is the correction a row's changes make.
func patchOf(in members.Input, changes []members.Change) members.Patch {
	var p members.Patch
	for _, c := range changes {
		switch imports.Field(c.Field) {
		case imports.FullName:
			p.FullName = &in.FullName
		case imports.Gender:
			p.Gender = &in.Gender
		case imports.BirthDate:
			p.BirthDate = &in.BirthDate
		case imports.NationalID:
			p.NationalID = &in.NationalID
		case imports.Phone:
			p.Phone = &in.Phone
		case imports.Address:
			p.Address = &in.Address
		case imports.JoinedOn:
			p.JoinedOn = &in.JoinedOn
		case imports.MemberNo:
			p.MemberNo = &in.MemberNo
		}
	}
	return p
}

// recover reports a row as what this job did to its member, from the
// member's history: created (its joined event carries the job) or updated
// (an update event does).
func (r *run) recover(ctx context.Context, row *RowResult) error {
	// Everywhere: the member may have been moved since the crashed run
	// (a rare path: only rows a crash left undecided).
	h, err := r.s.store.MemberHistory(ctx, row.MemberID, members.Everywhere)
	if err != nil {
		return err
	}
	for _, ev := range h {
		if ev.Job != r.req.Job {
			continue
		}
		switch ev.Type {
		case members.Joined:
			row.Decision = imports.Create
		case members.Updated:
			row.Decision, row.Changes = imports.Update, ev.Changes
		}
	}
	return nil
}
