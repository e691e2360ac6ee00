package members

import (
	"context"
	"fmt"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/counting"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
	"github.com/sohoi/sohoi/internal/vntext"
)

// Units loads a unit and authorises an action there for a caller
// (units.Service.Load): not found outside the caller's scope, forbidden
// beyond its role.
type Units interface {
	Load(ctx context.Context, c *access.Caller, id string, obj access.Object, act access.Action) (*units.Unit, error)
	// Branches is Load, with the open branches of the unit's subtree
	// (units.Service.Branches).
	Branches(ctx context.Context, c *access.Caller, id string, obj access.Object, act access.Action) (*units.Unit, []*units.Unit, error)
}

// Accounts says whether a user lies in a caller's scope, for the actors a
// history names (access.Users.InScope).
type Accounts interface {
	InScope(ctx context.Context, c *access.Caller, id string) bool
}

// Service applies the roll's rules. Every public method takes the caller
// and decides scope and role itself: a member or branch outside the
// caller's scope is not found, a change beyond its role is forbidden.
type Service struct {
	store    Store
	units    Units
	accounts Accounts
	now      func() time.Time
	counts   counting.Counts // never nil
	log      audit.Log       // never nil: changes, reads and exports are recorded
}

// NewService returns a Service on store, finding branches in units and
// the actors of histories in accounts, that keeps counts current (the
// rollups service; counting.Uncounted to say that nothing is counted),
// recording changes and reads of personal data in log (audit.Recorder;
// audit.Unrecorded in benchmarks); now is the clock.
func NewService(store Store, units Units, accounts Accounts, counts counting.Counts, log audit.Log, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, units: units, accounts: accounts, counts: counting.Required("members.NewService", counts),
		log: audit.Required("members.NewService", log), now: now}
}

// ActorOf is the caller as a member's history records it.
func ActorOf(c *access.Caller) Actor {
	if c.IsSystem() {
		return Actor{ID: "system", Name: c.User.Username}
	}
	return Actor{ID: c.User.ID, Name: c.User.Username}
}

// duplicate turns the store's duplicate national ID into the 409, saying
// where the other holder is only when the caller may see that member.
func (s *Service) duplicate(ctx context.Context, c *access.Caller, err error, nationalID string) error {
	if !errs.Is(err, errs.DuplicateNationalID) {
		return err
	}
	detail := "an active member already holds this national ID"
	if other, lerr := s.store.ActiveMemberByNationalID(ctx, nationalID); lerr == nil && c.Allowed(other.Path, access.ObjMember, access.Read) {
		detail = fmt.Sprintf("active member %s (%s) of branch %s already holds this national ID", other.ID, other.FullName, other.BranchID)
	}
	e := errs.E(errs.DuplicateNationalID, "%s", detail)
	e.Fields = []errs.FieldError{{Field: "nationalId", Message: detail}}
	return e
}

// NameOf returns the current full name of a member the caller may read
// (for posts they hold).
func (s *Service) NameOf(ctx context.Context, c *access.Caller, id string) (string, error) {
	m, err := s.load(ctx, c, id, access.Read) // a name on a board: not a read of the record
	if err != nil {
		return "", err
	}
	return m.FullName, nil
}

// Get returns a member the caller may read, and records the read.
func (s *Service) Get(ctx context.Context, c *access.Caller, id string) (*Member, error) {
	m, err := s.load(ctx, c, id, access.Read)
	if err != nil {
		return nil, err
	}
	if err := s.log.Access(ctx, auditActor(c, &audit.Entry{Action: audit.Read, ObjectType: audit.ObjMember, ObjectID: m.ID, Path: m.Path})); err != nil {
		return nil, err
	}
	return m, nil
}

// load finds a member and authorises act on it for c: a member that does
// not exist and one outside c's scope are both "member not found".
func (s *Service) load(ctx context.Context, c *access.Caller, id string, act access.Action) (*Member, error) {
	if !ids.Valid(id) {
		return nil, errs.E(errs.NotFound, "member not found")
	}
	m, err := s.store.GetMember(ctx, id, ProvincesOf(c))
	if err == nil {
		err = c.Authorize(m.Path, access.ObjMember, act, "member")
	}
	if err != nil {
		return nil, access.NotFound(err, "member")
	}
	return m, nil
}

func checkBranch(f *errs.Fields, field string, b *units.Unit) {
	switch {
	case b.Level != units.Branch:
		f.Add(field, "members belong to branches; this unit is a %s", b.Level)
	case b.Status != units.Active:
		f.Add(field, "this branch is closed")
	}
}

// Create adds a member to the branch branchID, where the caller must be
// allowed to write members.
func (s *Service) Create(ctx context.Context, c *access.Caller, branchID string, in Input) (*Member, error) {
	branch, err := s.units.Load(ctx, c, branchID, access.ObjMember, access.Write)
	if err != nil {
		return nil, err
	}
	m, ev, err := NewRecord(ActorOf(c), branch, in, s.now())
	if err != nil {
		return nil, err
	}
	if err := counting.Around(ctx, s.counts, [][]string{m.Path}, ev.On, counting.Member, func() error {
		return s.log.Change(ctx, changeEntry(c, nil, m, ev), func(ctx context.Context) error { return s.store.CreateMember(ctx, m, ev) })
	}); err != nil {
		return nil, s.duplicate(ctx, c, err, m.NationalID)
	}
	return m, nil
}

// NewRecord validates a new member of branch and returns it with its
// "joined" event, ready to store: what Create stores, and what bulk
// loaders store many at a time.
func NewRecord(actor Actor, branch *units.Unit, in Input, now time.Time) (*Member, *Event, error) {
	today := civil.Today(now)
	var f errs.Fields
	checkBranch(&f, "branchId", branch)
	if in.JoinedOn.IsZero() {
		in.JoinedOn = today
	}
	if err := in.clean(today); err != nil {
		return nil, nil, err
	}
	if err := f.Err(); err != nil {
		return nil, nil, err
	}
	at := now.UTC()
	m := &Member{
		ID: ids.New(), BranchID: branch.ID, Path: branch.Path, Status: Active, Version: 1, CreatedAt: at, UpdatedAt: at,
		Stints: []Stint{{BranchID: branch.ID, From: in.JoinedOn, StartedBy: Joined}},
	}
	m.set(in)
	// The joined event carries no field changes: the values entered then
	// are the record's first version, and every later change keeps its
	// "from" value.
	ev := &Event{MemberID: m.ID, Seq: 1, Type: Joined, On: in.JoinedOn, At: at, ActorID: actor.ID, ActorName: actor.Name,
		ToBranchID: branch.ID}
	return m, ev, nil
}

func (m *Member) set(in Input) {
	m.FullName, m.Gender, m.BirthDate, m.NationalID = in.FullName, in.Gender, in.BirthDate, in.NationalID
	m.Phone, m.Address, m.JoinedOn, m.MemberNo = in.Phone, in.Address, in.JoinedOn, in.MemberNo
}

// write stores next (a changed copy of m) with ev, retrying a lost race on
// a fresh copy when the caller gave no If-Match.
func (s *Service) write(ctx context.Context, c *access.Caller, m *Member, ifVersion int, change func(m *Member) (*Member, *Event, error)) (*Member, error) {
	for attempt := 0; ; attempt++ {
		if ifVersion != 0 && ifVersion != m.Version {
			return nil, errs.E(errs.VersionMismatch, "member %s is at version %d, not %d", m.ID, m.Version, ifVersion)
		}
		next, ev, err := change(m)
		if err != nil || ev == nil {
			return next, err
		}
		at := s.now().UTC()
		next.Version, next.UpdatedAt = m.Version+1, at
		ev.MemberID, ev.Seq, ev.At = m.ID, next.Version, at
		paths := [][]string{m.Path}
		if next.BranchID != m.BranchID {
			paths = append(paths, next.Path)
		}
		left, err := s.leftBranches(ctx, m, ev)
		if err != nil {
			return nil, err
		}
		paths = append(paths, left...)
		err = counting.Around(ctx, s.counts, paths, ev.On, Touched(ev), func() error {
			return s.log.Change(ctx, changeEntry(c, m, next, ev), func(ctx context.Context) error { return s.storeChange(ctx, m, next, ev) })
		})
		if err == nil {
			return next, nil
		}
		if ifVersion != 0 || attempt == 2 || !errs.Is(err, errs.VersionMismatch) {
			return nil, s.duplicate(ctx, c, err, next.NationalID)
		}
		fresh, err := s.store.GetMember(ctx, m.ID, ProvincesOf(c))
		if err != nil {
			return nil, err
		}
		// The caller was authorised on the member as it was: if the race was
		// lost to a transfer, the member may now lie outside its scope, so
		// the change is not retried there.
		if fresh.BranchID != m.BranchID {
			return nil, errs.E(errs.VersionMismatch, "member %s was moved meanwhile; load it again", m.ID)
		}
		m = fresh
	}
}

// storeChange stores the change from m to next: a move when it crosses
// provinces (Store.MoveMember), else an update in place.
func (s *Service) storeChange(ctx context.Context, m, next *Member, ev *Event) error {
	if m.Path.Province() != next.Path.Province() {
		return s.store.MoveMember(ctx, m, next, ev)
	}
	return s.store.UpdateMember(ctx, next, ev)
}

func clone(m *Member) *Member {
	c := *m
	c.Stints = append([]Stint(nil), m.Stints...)
	return &c
}

// Update corrects the details of member id, which the caller must be
// allowed to write. ifVersion (If-Match), when not zero, must be the stored
// version.
func (s *Service) Update(ctx context.Context, c *access.Caller, id string, p Patch, ifVersion int) (*Member, error) {
	m, err := s.load(ctx, c, id, access.Write)
	if err != nil {
		return nil, err
	}
	actor := ActorOf(c)
	return s.write(ctx, c, m, ifVersion, func(m *Member) (*Member, *Event, error) {
		return correct(m, p, actor, civil.Today(s.now()))
	})
}

// correct applies a correction to m: the changed copy and its "updated"
// event, or m itself and no event when nothing changes. Update and
// UpdateBatch share it.
func correct(m *Member, p Patch, actor Actor, today civil.Date) (*Member, *Event, error) {
	before := Patch{}.apply(m)
	after := p.apply(m)
	if err := after.clean(today); err != nil {
		return nil, nil, err
	}
	if after.JoinedOn.IsZero() {
		return nil, nil, (errs.Fields{{Field: "joinedOn", Message: "is required"}}).Err()
	}
	diff := changes(before, after)
	if len(diff) == 0 {
		return m, nil, nil
	}
	next := clone(m)
	next.set(after)
	if after.JoinedOn != before.JoinedOn {
		// The first stint begins on the day of joining.
		if len(next.Stints) > 1 && !after.JoinedOn.Before(next.Stints[1].From) {
			return nil, nil, (errs.Fields{{Field: "joinedOn", Message: "must be before the member's first transfer"}}).Err()
		}
		if !next.Stints[0].To.IsZero() && !after.JoinedOn.Before(next.Stints[0].To) {
			return nil, nil, (errs.Fields{{Field: "joinedOn", Message: "must be before the day the member left"}}).Err()
		}
		next.Stints[0].From = after.JoinedOn
	}
	return next, &Event{Type: Updated, ActorID: actor.ID, ActorName: actor.Name, Changes: diff}, nil
}

// checkEventDate validates the day a membership event happened: not in the
// future, and not before the current stint began.
func checkEventDate(m *Member, on, today civil.Date) error {
	var f errs.Fields
	cur := m.Stints[len(m.Stints)-1]
	switch {
	case on.IsZero():
		f.Add("on", "is required")
	case on.After(today):
		f.Add("on", "must not be in the future")
	case on.Before(cur.From):
		f.Add("on", "must not be before %s, when the member's current period in this branch began", cur.From)
	}
	return f.Err()
}

// Transfer moves active member id to the branch toBranchID from a day on.
// The caller must be allowed to write members in both branches; a target
// it cannot see is "no such branch".
func (s *Service) Transfer(ctx context.Context, c *access.Caller, id, toBranchID string, on civil.Date) (*Member, error) {
	m, err := s.load(ctx, c, id, access.Write)
	if err != nil {
		return nil, err
	}
	to, err := s.units.Load(ctx, c, toBranchID, access.ObjMember, access.Write)
	if errs.Is(err, errs.NotFound) {
		return nil, (errs.Fields{{Field: "toBranchId", Message: "no such branch"}}).Err()
	}
	if err != nil {
		return nil, err
	}
	actor := ActorOf(c)
	return s.write(ctx, c, m, 0, func(m *Member) (*Member, *Event, error) {
		if m.Status != Active {
			return nil, nil, errs.E(errs.Conflict, "only an active member can be transferred; this member is %s", m.Status)
		}
		var f errs.Fields
		checkBranch(&f, "toBranchId", to)
		if to.ID == m.BranchID {
			f.Add("toBranchId", "is the member's branch already")
		}
		if err := f.Err(); err != nil {
			return nil, nil, err
		}
		if err := checkEventDate(m, on, civil.Today(s.now())); err != nil {
			return nil, nil, err
		}
		next := clone(m)
		last := &next.Stints[len(next.Stints)-1]
		last.To, last.EndedBy = on, Transferred
		next.Stints = append(next.Stints, Stint{BranchID: to.ID, From: on, StartedBy: Transferred})
		next.BranchID, next.Path = to.ID, to.Path
		return next, &Event{Type: Transferred, On: on, ActorID: actor.ID, ActorName: actor.Name, FromBranchID: m.BranchID, ToBranchID: to.ID}, nil
	})
}

// Leave records that active member id left or died on a day; the record
// and its history stay. The caller must be allowed to write the member.
func (s *Service) Leave(ctx context.Context, c *access.Caller, id string, status Status, on civil.Date, reason string) (*Member, error) {
	m, err := s.load(ctx, c, id, access.Write)
	if err != nil {
		return nil, err
	}
	actor := ActorOf(c)
	return s.write(ctx, c, m, 0, func(m *Member) (*Member, *Event, error) {
		var f errs.Fields
		ev := LeftEvent
		switch status {
		case Left:
		case Deceased:
			ev = Died
		default:
			f.Add("status", "must be left or deceased")
		}
		vntext.Check(f.Add, "reason", reason)
		reason = vntext.Clean(reason)
		checkLen(&f, "reason", reason, maxReason)
		if err := f.Err(); err != nil {
			return nil, nil, err
		}
		if m.Status != Active {
			return nil, nil, errs.E(errs.Conflict, "this member is %s already", m.Status)
		}
		if err := checkEventDate(m, on, civil.Today(s.now())); err != nil {
			return nil, nil, err
		}
		next := clone(m)
		last := &next.Stints[len(next.Stints)-1]
		last.To, last.EndedBy = on, ev
		next.Status, next.LeftOn, next.LeaveReason = status, on, reason
		return next, &Event{Type: ev, On: on, ActorID: actor.ID, ActorName: actor.Name, FromBranchID: m.BranchID, Reason: reason}, nil
	})
}

// List lists the members of unit unitID's subtree in the official order,
// or of one branch of it (branchID, optional); the caller must be allowed
// to read members at the unit.
func (s *Service) List(ctx context.Context, c *access.Caller, unitID, branchID string, q Query) (page.Result[*Member], error) {
	u, err := s.units.Load(ctx, c, unitID, access.ObjMember, access.Read)
	if err != nil {
		return page.Result[*Member]{}, err
	}
	q.Path = u.Path
	if branchID != "" {
		branch, err := s.units.Load(ctx, c, branchID, access.ObjMember, access.Read)
		if err != nil || !branch.Within(u.ID) || !branch.Level.HoldsMembers() {
			return page.Result[*Member]{}, (errs.Fields{{Field: "branchId", Message: "is not a branch of this unit"}}).Err()
		}
		q.Path = branch.Path
	}
	if err := s.recordList(ctx, c, u, branchID, q); err != nil {
		return page.Result[*Member]{}, err
	}
	return s.store.ListMembers(ctx, q)
}
