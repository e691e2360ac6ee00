package units

import (
	"context"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/counting"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/vntext"
)

// Service applies the tree's rules on top of a Store. Every public method
// takes the caller and decides scope and role itself (access.Caller): a
// unit outside the caller's scope is not found, a change beyond its role
// is forbidden.
type Service struct {
	store  TreeStore
	tree   *Tree // the same store read without rules: Load's one check lives there
	roll   Roll  // never nil: a branch with active members is not closed
	now    func() time.Time
	counts counting.Counts // never nil: a new unit changes the branch counts of everything above it
	log    audit.Log       // never nil: every change is recorded with its entry
}

// actor is the caller as the audit trail names it.
func actor(c *access.Caller) (id, name string) {
	if c.IsSystem() {
		return "system", c.User.Username
	}
	return c.User.ID, c.User.Username
}

// record writes a change through store with its audit entry.
func (s *Service) record(ctx context.Context, c *access.Caller, action string, before, after *Unit, store func(ctx context.Context) error) error {
	id, name := actor(c)
	return s.log.Change(ctx, auditEntry(action, before, after, id, name), store)
}

// settled runs store between marking paths and settling them: a unit
// counts from the day it is made, so only tallies from today are touched.
func (s *Service) settled(ctx context.Context, paths [][]string, store func() error) error {
	return counting.Around(ctx, s.counts, paths, civil.Today(s.now()), counting.Branch, store)
}

// NewService returns a Service that keeps counts current (the rollups
// service; counting.Uncounted to say that nothing is counted), asks roll
// before closing a branch (members.ActiveRoll) and records every change in
// log (audit.Recorder; audit.Unrecorded in benchmarks); now is the clock
// (injectable for tests).
func NewService(store TreeStore, counts counting.Counts, roll Roll, log audit.Log, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	counts = counting.Required("units.NewService", counts)
	if roll == nil {
		panic("units.NewService: built without a roll (pass members.ActiveRoll over the store)")
	}
	return &Service{store: store, tree: NewTree(store), roll: roll, counts: counts, log: audit.Required("units.NewService", log), now: now}
}

// EnsureRoot creates the central unit if it does not exist yet; only the
// system (the server's bootstrap) or a caller who may write the root may.
func (s *Service) EnsureRoot(ctx context.Context, c *access.Caller, name, code string) (*Unit, error) {
	if err := c.Authorize([]string{RootID}, access.ObjUnit, access.Write, "unit"); err != nil {
		return nil, err
	}
	u, err := s.store.GetUnit(ctx, RootID)
	if err == nil || !errs.Is(err, errs.NotFound) {
		return u, err
	}
	t := s.now().UTC()
	u = &Unit{ID: RootID, Path: unitpath.Path{RootID}, Level: Central, Name: CleanName(name), Code: code, Status: Active, Version: 1, CreatedAt: t, UpdatedAt: t}
	if err := s.record(ctx, c, audit.Create, nil, u, func(ctx context.Context) error { return s.store.CreateUnit(ctx, u) }); err != nil {
		if errs.Is(err, errs.Conflict) { // another instance won the race
			return s.store.GetUnit(ctx, RootID)
		}
		return nil, err
	}
	return u, nil
}

// Load finds unit id and authorises act to obj there for c: the one check
// every service makes before acting at a unit (members of a branch,
// officers of a unit, its rollup). A unit that does not exist and one
// outside c's scope are both "unit not found".
func (s *Service) Load(ctx context.Context, c *access.Caller, id string, obj access.Object, act access.Action) (*Unit, error) {
	return s.tree.Load(ctx, c, id, obj, act)
}

// Get returns a unit the caller may read.
func (s *Service) Get(ctx context.Context, c *access.Caller, id string) (*Unit, error) {
	return s.Load(ctx, c, id, access.ObjUnit, access.Read)
}

// Root returns the root unit, if the caller may read it.
func (s *Service) Root(ctx context.Context, c *access.Caller) (*Unit, error) {
	return s.Get(ctx, c, RootID)
}

// PathOf is the path of a unit the caller may read (access.UnitPaths).
func (s *Service) PathOf(ctx context.Context, c *access.Caller, id string) (unitpath.Path, error) {
	u, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	return u.Path, nil
}

// RootPath is the path of the root unit (access.UnitPaths).
func (s *Service) RootPath(ctx context.Context, c *access.Caller) (unitpath.Path, error) {
	return s.PathOf(ctx, c, RootID)
}

// NewUnit is the input of Create.
type NewUnit struct {
	Level Level
	Name  string
	Code  string
}

// Create adds a child under the unit parentID, where the caller must be
// allowed to write units.
func (s *Service) Create(ctx context.Context, c *access.Caller, parentID string, in NewUnit) (*Unit, error) {
	if parentID == "" {
		return nil, (errs.Fields{{Field: "parentId", Message: "is required"}}).Err()
	}
	parent, err := s.Load(ctx, c, parentID, access.ObjUnit, access.Write)
	if err != nil {
		return nil, err
	}
	return s.create(ctx, c, parent, in, true)
}

func (s *Service) create(ctx context.Context, c *access.Caller, parent *Unit, in NewUnit, count bool) (*Unit, error) {
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
	id := ids.New()
	u := &Unit{
		ID: id, ParentID: parent.ID, Level: in.Level, Name: in.Name, Code: in.Code,
		Path: parent.Path.Child(id), Status: Active, Version: 1, CreatedAt: t, UpdatedAt: t,
	}
	var paths [][]string
	if count {
		paths = [][]string{u.Path}
	}
	if err := s.settled(ctx, paths, func() error {
		return s.record(ctx, c, audit.Create, nil, u, func(ctx context.Context) error { return s.store.CreateUnit(ctx, u) })
	}); err != nil {
		return nil, err
	}
	return u, nil
}

// Patch holds the fields PATCH may change; nil means unchanged.
type Patch struct {
	Name *string
	Code *string
	// Status closes (Closed) or reopens (Active) the unit: see checkClose
	// and checkReopen for what each needs.
	Status *Status
}

// Update applies p to unit id, where the caller must be allowed to write
// units. ifVersion, when not zero, is the version the caller last saw
// (If-Match): a stale one is errs.VersionMismatch. Without it a lost race
// is retried on the fresh unit.
func (s *Service) Update(ctx context.Context, c *access.Caller, id string, p Patch, ifVersion int) (*Unit, error) {
	u, err := s.Load(ctx, c, id, access.ObjUnit, access.Write)
	if err != nil {
		return nil, err
	}
	return s.updateLoaded(ctx, c, u, p, ifVersion)
}

// updateLoaded is Update on u, already loaded and authorised for c. A
// lost race is retried on a fresh copy authorised again: the unit may
// have moved out of c's scope meanwhile.
func (s *Service) updateLoaded(ctx context.Context, c *access.Caller, u *Unit, p Patch, ifVersion int) (*Unit, error) {
	for attempt := 0; ; attempt++ {
		if ifVersion != 0 && ifVersion != u.Version {
			return nil, errs.E(errs.VersionMismatch, "unit %s is at version %d, not %d", u.ID, u.Version, ifVersion)
		}
		next, err := s.update(ctx, c, u, p)
		if ifVersion != 0 || attempt == 2 || !errs.Is(err, errs.VersionMismatch) {
			return next, err
		}
		if u, err = s.Load(ctx, c, u.ID, access.ObjUnit, access.Write); err != nil {
			return nil, err
		}
	}
}

func (s *Service) update(ctx context.Context, c *access.Caller, u *Unit, p Patch) (*Unit, error) {
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
	if p.Status != nil {
		next.Status = *p.Status
		if next.Status != Active && next.Status != Closed {
			f.Add("status", "must be active or closed")
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if next.Name == u.Name && next.Code == u.Code && next.Status == u.Status {
		return u, nil
	}
	var err error
	switch {
	case next.Status == u.Status:
	case next.Status == Closed:
		err = s.checkClose(ctx, u)
		next.ClosedAt = s.now().UTC()
	default:
		err = s.checkReopen(ctx, u)
		next.MergedInto, next.ClosedAt = "", time.Time{} // reopened: open again, taken over by nothing
	}
	if err != nil {
		return nil, err
	}
	next.Version = u.Version + 1
	next.UpdatedAt = s.now().UTC()
	var paths [][]string
	if next.Status != u.Status { // a branch counts only while open
		paths = [][]string{u.Path}
	}
	// Marked around the store, and the audit entry written with it.
	if err := s.settled(ctx, paths, func() error {
		return s.record(ctx, c, audit.Update, u, &next, func(ctx context.Context) error { return s.store.UpdateUnit(ctx, &next) })
	}); err != nil {
		return nil, err
	}
	return &next, nil
}

// Close closes unit id (DELETE): Update with the status closed.
func (s *Service) Close(ctx context.Context, c *access.Caller, id string, ifVersion int) (*Unit, error) {
	closed := Closed
	return s.Update(ctx, c, id, Patch{Status: &closed}, ifVersion)
}

// Children lists the children of unit parentID, which the caller must be
// allowed to read. The system is not checked, so that counting's walks of
// the tree cost no extra read per unit.
func (s *Service) Children(ctx context.Context, c *access.Caller, parentID string, p page.Request) (page.Result[*Unit], error) {
	if !c.IsSystem() {
		if _, err := s.Get(ctx, c, parentID); err != nil {
			return page.Result[*Unit]{}, err
		}
	}
	return s.store.ListChildren(ctx, parentID, p)
}

// OpenChildren is Children for lists people read: closed children are
// left out unless withClosed. They are dropped from the store's page, so
// a page may hold fewer than asked for (its next cursor still goes on).
func (s *Service) OpenChildren(ctx context.Context, c *access.Caller, parentID string, withClosed bool, p page.Request) (page.Result[*Unit], error) {
	res, err := s.Children(ctx, c, parentID, p)
	if err != nil || withClosed {
		return res, err
	}
	open := res.Items[:0]
	for _, u := range res.Items {
		if u.Status == Active {
			open = append(open, u)
		}
	}
	res.Items = open
	return res, nil
}

// ChildByCode finds a child of unit parentID by its code, if the caller
// may read it.
func (s *Service) ChildByCode(ctx context.Context, c *access.Caller, parentID, code string) (*Unit, error) {
	u, err := s.store.GetChildByCode(ctx, parentID, code)
	if err == nil {
		err = c.Authorize(u.Path, access.ObjUnit, access.Read, "unit")
	}
	if err != nil {
		return nil, access.NotFound(err, "unit")
	}
	return u, nil
}
