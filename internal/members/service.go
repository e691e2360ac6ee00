package members

import (
	"context"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/counting"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
	"github.com/sohoi/sohoi/internal/vntext"
)

// Service applies the roll's rules. It does not decide who may do what:
// callers authorise first (internal/access).
type Service struct {
	store  Store
	now    func() time.Time
	counts counting.Counts // never nil
}

// NewService returns a Service that keeps counts current (the rollups
// service; counting.Uncounted to say that nothing is counted); now is the
// clock.
func NewService(store Store, counts counting.Counts, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, counts: counting.Required("members.NewService", counts), now: now}
}

// DuplicateError is the 409 for a national ID that an active member
// already holds. Other is that member, so that the caller's adapter can say
// where it is, but only if the caller may see it.
type DuplicateError struct {
	Err   *errs.Error
	Other *Member
}

func (e *DuplicateError) Error() string { return e.Err.Error() }

func (e *DuplicateError) Unwrap() error { return e.Err }

func (s *Service) duplicate(ctx context.Context, err error, nationalID string) error {
	if !errs.Is(err, errs.DuplicateNationalID) {
		return err
	}
	d := &DuplicateError{Err: errs.E(errs.DuplicateNationalID, "an active member already holds this national ID")}
	d.Err.Fields = []errs.FieldError{{Field: "nationalId", Message: "an active member already holds this national ID"}}
	if other, lerr := s.store.ActiveMemberByNationalID(ctx, nationalID); lerr == nil {
		d.Other = other
	}
	return d
}

// NameOf returns a member's current full name (for posts they hold).
func (s *Service) NameOf(ctx context.Context, id string) (string, error) {
	m, err := s.Get(ctx, id)
	if err != nil {
		return "", err
	}
	return m.FullName, nil
}

// Get returns a member.
func (s *Service) Get(ctx context.Context, id string) (*Member, error) {
	if !ids.Valid(id) {
		return nil, errs.E(errs.NotFound, "member not found")
	}
	return s.store.GetMember(ctx, id)
}

func checkBranch(f *errs.Fields, field string, b *units.Unit) {
	switch {
	case b.Level != units.Branch:
		f.Add(field, "members belong to branches; this unit is a %s", b.Level)
	case b.Status != units.Active:
		f.Add(field, "this branch is closed")
	}
}

// Create adds a member to a branch (loaded and authorised by the caller).
func (s *Service) Create(ctx context.Context, actor Actor, branch *units.Unit, in Input) (*Member, error) {
	m, ev, err := NewRecord(actor, branch, in, s.now())
	if err != nil {
		return nil, err
	}
	if err := counting.Around(ctx, s.counts, [][]string{m.Ancestors}, ev.On, counting.Member, func() error { return s.store.CreateMember(ctx, m, ev) }); err != nil {
		return nil, s.duplicate(ctx, err, m.NationalID)
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
		ID: ids.New(), BranchID: branch.ID, Ancestors: branch.Path(), Status: Active, Version: 1, CreatedAt: at, UpdatedAt: at,
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
func (s *Service) write(ctx context.Context, m *Member, ifVersion int, change func(m *Member) (*Member, *Event, error)) (*Member, error) {
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
		paths := [][]string{m.Ancestors}
		if next.BranchID != m.BranchID {
			paths = append(paths, next.Ancestors)
		}
		err = counting.Around(ctx, s.counts, paths, ev.On, Touched(ev), func() error { return s.store.UpdateMember(ctx, next, ev) })
		if err == nil {
			return next, nil
		}
		if ifVersion != 0 || attempt == 2 || !errs.Is(err, errs.VersionMismatch) {
			return nil, s.duplicate(ctx, err, next.NationalID)
		}
		fresh, err := s.store.GetMember(ctx, m.ID)
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

func clone(m *Member) *Member {
	c := *m
	c.Stints = append([]Stint(nil), m.Stints...)
	return &c
}

// Update corrects a member's details. ifVersion (If-Match), when not zero,
// must be the stored version.
func (s *Service) Update(ctx context.Context, actor Actor, m *Member, p Patch, ifVersion int) (*Member, error) {
	return s.write(ctx, m, ifVersion, func(m *Member) (*Member, *Event, error) {
		before := Patch{}.apply(m)
		after := p.apply(m)
		if err := after.clean(civil.Today(s.now())); err != nil {
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
	})
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

// Transfer moves an active member to another branch from a day on.
func (s *Service) Transfer(ctx context.Context, actor Actor, m *Member, to *units.Unit, on civil.Date) (*Member, error) {
	return s.write(ctx, m, 0, func(m *Member) (*Member, *Event, error) {
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
		next.BranchID, next.Ancestors = to.ID, to.Path()
		return next, &Event{Type: Transferred, On: on, ActorID: actor.ID, ActorName: actor.Name, FromBranchID: m.BranchID, ToBranchID: to.ID}, nil
	})
}

// Leave records that an active member left or died on a day; the record
// and its history stay.
func (s *Service) Leave(ctx context.Context, actor Actor, m *Member, status Status, on civil.Date, reason string) (*Member, error) {
	return s.write(ctx, m, 0, func(m *Member) (*Member, *Event, error) {
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

// List lists the members of unit's subtree, in the official order.
func (s *Service) List(ctx context.Context, q Query) (page.Result[*Member], error) {
	return s.store.ListMembers(ctx, q)
}

// History returns every change to a member, oldest first.
func (s *Service) History(ctx context.Context, m *Member) ([]*Event, error) {
	return s.store.MemberHistory(ctx, m.ID)
}
