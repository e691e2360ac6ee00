package app

import (
	"context"

	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/errs"
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
		m, err := o.store.GetMember(ctx, id)
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
	}
	return nil, audit.ErrUnknownObject
}
