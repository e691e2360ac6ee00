package app

import (
	"context"
	"strings"

	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/records"
)

// auditObjects gives an object as stored in the fields its service
// records, for audit.Recover to tell a Pending change that was written
// from one that was not.
type auditObjects struct{ store Store }

func (o auditObjects) AuditFields(ctx context.Context, objectType, id string) (audit.Fields, error) {
	switch objectType {
	case audit.ObjUnit:
		u, err := o.store.GetUnit(ctx, id)
		if err != nil {
			return nil, err
		}
		return u.AuditFields(), nil
	case audit.ObjMember:
		// The audit's own reader (an auditor of the whole trail): every
		// province.
		m, err := o.store.GetMember(ctx, id, members.Everywhere)
		if err != nil {
			return nil, err
		}
		return m.AuditFields(), nil
	case audit.ObjUser:
		u, err := o.store.GetUser(ctx, id)
		if err != nil {
			return nil, err
		}
		return u.AuditFields(), nil
	case audit.ObjOfficer:
		unitID, err := o.store.BoardOfOfficer(ctx, id)
		if err != nil {
			return nil, err
		}
		b, err := o.store.GetBoard(ctx, unitID)
		if err != nil {
			return nil, err
		}
		for _, p := range b.Posts {
			if p.ID == id {
				return p.AuditFields(), nil
			}
		}
		return nil, errs.E(errs.NotFound, "officer not found")
	case audit.ObjImport:
		j, err := o.store.GetImportJob(ctx, id)
		if err != nil {
			return nil, err
		}
		return j.AuditFields(), nil
	case audit.ObjRecognition:
		r, err := o.store.GetRecognition(ctx, id)
		if err != nil {
			return nil, err
		}
		return records.FieldsOf(r), nil
	case audit.ObjFundEntry:
		e, err := o.store.GetEntry(ctx, id)
		if err != nil {
			return nil, err
		}
		return records.FieldsOf(e), nil
	case audit.ObjAward:
		a, err := o.store.GetAward(ctx, id)
		if err != nil {
			return nil, err
		}
		return records.FieldsOf(a), nil
	case audit.ObjEvidence: // recognition/criterion/file (records.LinkID)
		links, err := o.store.LinksOfFile(ctx, id[strings.LastIndex(id, "/")+1:])
		if err != nil {
			return nil, err
		}
		for _, l := range links {
			if records.LinkID(l) == id {
				f, err := o.store.GetFile(ctx, l.File)
				if err != nil {
					return nil, err
				}
				return records.LinkFields(l, f), nil
			}
		}
		return nil, errs.E(errs.NotFound, "evidence link not found")
	}
	return nil, audit.ErrUnknownObject
}
