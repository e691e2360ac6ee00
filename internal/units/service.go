package units

import (
	"context"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/counting"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/vntext"
)

// Service applies the tree's rules on top of a Store. It does not decide
// who may do what: callers authorise first (internal/access).
type Service struct {
	store  Store
	now    func() time.Time
	counts counting.Counts // never nil: a new unit changes the branch counts of everything above it
}

// settled runs store between marking paths and settling them: a unit
// counts from the day it is made, so only tallies from today are touched.
func (s *Service) settled(ctx context.Context, paths [][]string, store func() error) error {
	return counting.Around(ctx, s.counts, paths, civil.Today(s.now()), counting.Branch, store)
}

// NewService returns a Service that keeps counts current (the rollups
// service; counting.Uncounted to say that nothing is counted); now is the
// clock (injectable for tests).
func NewService(store Store, counts counting.Counts, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, counts: counting.Required("units.NewService", counts), now: now}
}

// EnsureRoot creates the central unit if it does not exist yet.
func (s *Service) EnsureRoot(ctx context.Context, name, code string) (*Unit, error) {
	u, err := s.store.GetUnit(ctx, RootID)
	if err == nil || !errs.Is(err, errs.NotFound) {
		return u, err
	}
	t := s.now().UTC()
	u = &Unit{ID: RootID, Level: Central, Name: CleanName(name), Code: code, Status: Active, Version: 1, CreatedAt: t, UpdatedAt: t}
	if err := s.store.CreateUnit(ctx, u); err != nil {
		if errs.Is(err, errs.Conflict) { // another instance won the race
			return s.store.GetUnit(ctx, RootID)
		}
		return nil, err
	}
	return u, nil
}

// Get returns a unit by id.
func (s *Service) Get(ctx context.Context, id string) (*Unit, error) {
	if !ids.Valid(id) {
		return nil, errs.E(errs.NotFound, "unit not found")
	}
	return s.store.GetUnit(ctx, id)
}

// NewUnit is the input of Create.
type NewUnit struct {
	Level Level
	Name  string
	Code  string
}

// Create adds a child under parent, which the caller has already loaded
// (and authorised against).
func (s *Service) Create(ctx context.Context, parent *Unit, in NewUnit) (*Unit, error) {
	return s.create(ctx, parent, in, true)
}

func (s *Service) create(ctx context.Context, parent *Unit, in NewUnit, count bool) (*Unit, error) {
	var f errs.Fields
	vntext.Check(f.Add, "name", in.Name)
	in.Name = CleanName(in.Name)
	checkName(&f, in.Name)
	checkCode(&f, in.Code)
	switch {
	case !in.Level.Valid():
		f.Add("level", "must be one of central, province, district, commune, branch")
	case parent.Level == Branch:
		f.Add("parentId", "a branch has no child units")
	case !in.Level.Below(parent.Level):
		f.Add("level", "must be below the parent's level %q", parent.Level)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if parent.Status != Active {
		return nil, errs.E(errs.Conflict, "unit %s is closed and takes no new children", parent.ID)
	}
	t := s.now().UTC()
	u := &Unit{
		ID: ids.New(), ParentID: parent.ID, Level: in.Level, Name: in.Name, Code: in.Code,
		Ancestors: parent.Path(), Status: Active, Version: 1, CreatedAt: t, UpdatedAt: t,
	}
	var paths [][]string
	if count {
		paths = [][]string{u.Path()}
	}
	if err := s.settled(ctx, paths, func() error { return s.store.CreateUnit(ctx, u) }); err != nil {
		return nil, err
	}
	return u, nil
}

// Patch holds the fields PATCH may change; nil means unchanged.
type Patch struct {
	Name *string
	Code *string
}

// Update applies p to u (already loaded and authorised). ifVersion, when not
// zero, is the version the caller last saw (If-Match): a stale one is
// errs.VersionMismatch. Without it a lost race is retried on the fresh unit.
func (s *Service) Update(ctx context.Context, u *Unit, p Patch, ifVersion int) (*Unit, error) {
	for attempt := 0; ; attempt++ {
		if ifVersion != 0 && ifVersion != u.Version {
			return nil, errs.E(errs.VersionMismatch, "unit %s is at version %d, not %d", u.ID, u.Version, ifVersion)
		}
		next, err := s.update(ctx, u, p)
		if ifVersion != 0 || attempt == 2 || !errs.Is(err, errs.VersionMismatch) {
			return next, err
		}
		if u, err = s.store.GetUnit(ctx, u.ID); err != nil {
			return nil, err
		}
	}
}

func (s *Service) update(ctx context.Context, u *Unit, p Patch) (*Unit, error) {
	next := *u
	var f errs.Fields
	if p.Name != nil {
		vntext.Check(f.Add, "name", *p.Name)
		next.Name = CleanName(*p.Name)
		checkName(&f, next.Name)
	}
	if p.Code != nil {
		next.Code = *p.Code
		checkCode(&f, next.Code)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if next.Name == u.Name && next.Code == u.Code {
		return u, nil
	}
	next.Version = u.Version + 1
	next.UpdatedAt = s.now().UTC()
	if err := s.store.UpdateUnit(ctx, &next); err != nil {
		return nil, err
	}
	return &next, nil
}

// Children lists the children of u.
func (s *Service) Children(ctx context.Context, u *Unit, p page.Request) (page.Result[*Unit], error) {
	return s.store.ListChildren(ctx, u.ID, p)
}

// ChildByCode finds a child of u by its code.
func (s *Service) ChildByCode(ctx context.Context, u *Unit, code string) (*Unit, error) {
	return s.store.GetChildByCode(ctx, u.ID, code)
}
