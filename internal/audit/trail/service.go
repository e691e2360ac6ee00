// Package trail is the audit trail as callers see it: listing entries in
// the caller's scope (managers and admins: the policy's audit read), and
// checking the chain. It is apart from package audit because access
// records through audit and this package decides with access.
package trail

import (
	"context"
	"strings"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
)

// Units loads a unit and authorises an action there (units.Service.Load).
type Units interface {
	Load(ctx context.Context, c *access.Caller, id string, obj access.Object, act access.Action) (*units.Unit, error)
}

// Service lists and verifies the trail.
type Service struct {
	store   audit.Store
	units   Units
	objects audit.Objects
	now     func() time.Time
}

// NewService returns the trail of store; objects gives objects as stored,
// for Recover.
func NewService(store audit.Store, units Units, objects audit.Objects, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, units: units, objects: objects, now: now}
}

// Filter is a request for entries.
type Filter struct {
	UnitID     string // the subtree; the root when empty
	ObjectType string
	ObjectID   string
	ActorID    string
	Since      time.Time
	Until      time.Time
	Page       page.Request
}

// ObjectTypes are the object types a filter may name.
var ObjectTypes = []string{audit.ObjUnit, audit.ObjMember, audit.ObjOfficer, audit.ObjUser, audit.ObjRoll,
	audit.ObjImport, audit.ObjRestructure, audit.ObjFiller, audit.ObjRecognition, audit.ObjEvidence, audit.ObjFundEntry, audit.ObjAward}

// List lists the entries of f, newest first, in the subtree of f.UnitID,
// where the caller must be allowed to read the audit trail: not found
// outside its scope, forbidden below manager.
func (s *Service) List(ctx context.Context, c *access.Caller, f Filter) (page.Result[*audit.Entry], error) {
	var res page.Result[*audit.Entry]
	var fe errs.Fields
	if f.ObjectType != "" && !contains(ObjectTypes, f.ObjectType) {
		fe.Add("objectType", "must be one of %s", strings.Join(ObjectTypes, ", "))
	}
	if f.ObjectID != "" && f.ObjectType == "" {
		fe.Add("objectId", "needs objectType")
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		fe.Add("until", "must be after since")
	}
	if err := fe.Err(); err != nil {
		return res, err
	}
	unitID := f.UnitID
	if unitID == "" {
		unitID = units.RootID
	}
	u, err := s.units.Load(ctx, c, unitID, access.ObjAudit, access.Read)
	if err != nil {
		return res, err
	}
	k, err := page.Seek(f.Page)
	if err != nil {
		return res, err
	}
	var after int64
	if k.After != "" {
		if after, err = parseSeq(k.After); err != nil {
			return res, err
		}
	}
	items, err := s.store.ListAudit(ctx, audit.Query{Under: u.Path, ObjectType: f.ObjectType, ObjectID: f.ObjectID,
		ActorID: f.ActorID, Since: f.Since, Until: f.Until, After: after, Limit: k.Limit})
	if err != nil {
		return res, err
	}
	return page.Cut(k, items, func(i int) string { return formatSeq(items[i].Seq) }), nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Verify settles what a crash left pending, then walks the chain (the
// system's: `sohoi audit verify`).
func (s *Service) Verify(ctx context.Context) (*audit.Report, int, error) {
	settled, err := s.Recover(ctx, s.now().Add(-audit.Grace))
	if err != nil {
		return nil, settled, err
	}
	r, err := audit.Verify(ctx, s.store)
	return r, settled, err
}

// Recover settles entries left pending before olderThan (at server start
// every writer of before is gone: the server passes its start time less
// the grace, in case another instance writes).
func (s *Service) Recover(ctx context.Context, olderThan time.Time) (int, error) {
	return audit.Recover(ctx, s.store, s.objects, olderThan)
}
