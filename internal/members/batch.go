package members

import (
	"context"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/counting"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/units"
)

// NewMember is one member of a CreateBatch.
type NewMember struct {
	BranchID string
	Input    Input
}

// Edit is one correction of an UpdateBatch: the member, the version the
// caller decided on (0: whichever is stored) and the fields to change.
type Edit struct {
	ID      string
	Version int
	Patch   Patch
}

// CreateBatch adds many members at once, as Create adds one: the caller
// must be allowed to write members in every branch named, and each record
// is validated alike; job (an import job's id, or "") is recorded on
// every event. The valid ones are stored in one store call (one
// transaction on SQLite, one bulk insert on MongoDB) and counted once for
// the batch: one Mark for all the branches it touches, one settle after.
// made[i] is the member stored for items[i], or nil with failed[i] saying
// why; err is a failure of the batch as a whole (nothing reported stored).
func (s *Service) CreateBatch(ctx context.Context, c *access.Caller, job string, items []NewMember) (made []*Member, failed []error, err error) {
	made, failed = make([]*Member, len(items)), make([]error, len(items))
	branches := map[string]*units.Unit{}
	branchErr := map[string]error{}
	actor, now := ActorOf(c), s.now()
	var ms []*Member
	var evs []*Event
	var at []int
	for i, it := range items {
		b, seen := branches[it.BranchID]
		if !seen && branchErr[it.BranchID] == nil {
			b, err = s.units.Load(ctx, c, it.BranchID, access.ObjMember, access.Write)
			if err != nil {
				branchErr[it.BranchID] = err
			}
			branches[it.BranchID] = b
		}
		if e := branchErr[it.BranchID]; e != nil {
			failed[i] = e
			continue
		}
		m, ev, err := NewRecord(actor, b, it.Input, now)
		if err != nil {
			failed[i] = err
			continue
		}
		ev.Job = job
		ms, evs, at = append(ms, m), append(evs, ev), append(at, i)
	}
	if len(ms) == 0 {
		return made, failed, nil
	}
	paths, on := batchMarks(ms, evs)
	err = counting.Around(ctx, s.counts, paths, on, counting.Member, func() error {
		berr := s.log.Change(ctx, batchEntry(c, audit.Create, job, nil, ms), func(ctx context.Context) error {
			return s.store.CreateMembers(ctx, ms, evs)
		})
		if berr == nil {
			for k, m := range ms {
				made[at[k]] = m
			}
			return nil
		}
		if !errs.Is(berr, errs.DuplicateNationalID) {
			return berr
		}
		// One record of the batch clashes: store them one by one to say
		// which (a member the failed batch stored is found as already there).
		for k, m := range ms {
			if err := s.log.Change(ctx, changeEntry(c, nil, m, evs[k]), func(ctx context.Context) error {
				return s.store.CreateMember(ctx, m, evs[k])
			}); err != nil {
				if !errs.Is(err, errs.DuplicateNationalID) {
					return err
				}
				failed[at[k]] = s.duplicate(ctx, c, err, m.NationalID)
				continue
			}
			made[at[k]] = m
		}
		return nil
	})
	if err != nil {
		return make([]*Member, len(items)), failed, err
	}
	return made, failed, nil
}

// UpdateBatch corrects many members at once, as Update corrects one (a
// member outside the caller's scope is not found, a version that moved on
// is a version mismatch), stored in one store call and counted once for
// the batch. done[i] is the member as stored after items[i] (unchanged
// when the patch changes nothing), or nil with failed[i] saying why.
func (s *Service) UpdateBatch(ctx context.Context, c *access.Caller, job string, items []Edit) (done []*Member, failed []error, err error) {
	done, failed = make([]*Member, len(items)), make([]error, len(items))
	actor, now := ActorOf(c), s.now()
	today := civil.Today(now)
	var ms, prev []*Member
	var evs []*Event
	var at []int
	var touched counting.Facts
	for i, it := range items {
		m, err := s.load(ctx, c, it.ID, access.Write)
		if err == nil && it.Version != 0 && it.Version != m.Version {
			err = errs.E(errs.VersionMismatch, "member %s is at version %d, not %d", m.ID, m.Version, it.Version)
		}
		if err != nil {
			failed[i] = err
			continue
		}
		next, ev, err := correct(m, it.Patch, actor, today)
		if err != nil {
			failed[i] = err
			continue
		}
		if ev == nil {
			done[i] = m
			continue
		}
		next.Version, next.UpdatedAt = m.Version+1, now.UTC()
		ev.MemberID, ev.Seq, ev.At, ev.Job = m.ID, next.Version, now.UTC(), job
		touched |= Touched(ev)
		ms, prev, evs, at = append(ms, next), append(prev, m), append(evs, ev), append(at, i)
	}
	if len(ms) == 0 {
		return done, failed, nil
	}
	paths, _ := batchMarks(ms, evs)
	marked := map[string]bool{}
	for _, p := range paths {
		marked[p[len(p)-1]] = true
	}
	for k := range prev {
		left, err := s.leftBranches(ctx, prev[k], evs[k])
		if err != nil {
			return make([]*Member, len(items)), failed, err
		}
		for _, p := range left {
			if !marked[p[len(p)-1]] {
				marked[p[len(p)-1]] = true
				paths = append(paths, p)
			}
		}
	}
	err = counting.Around(ctx, s.counts, paths, civil.Date{}, touched, func() error {
		berr := s.log.Change(ctx, batchEntry(c, audit.Update, job, prev, ms), func(ctx context.Context) error {
			return s.store.UpdateMembers(ctx, ms, evs)
		})
		if berr == nil {
			for k, m := range ms {
				done[at[k]] = m
			}
			return nil
		}
		if !errs.Is(berr, errs.DuplicateNationalID) && !errs.Is(berr, errs.VersionMismatch) && !errs.Is(berr, errs.NotFound) {
			return berr
		}
		// One change of the batch cannot be stored: store them one by one
		// to say which. A change the failed batch did store is found by
		// its version.
		for k, m := range ms {
			err := s.log.Change(ctx, changeEntry(c, prev[k], m, evs[k]), func(ctx context.Context) error {
				return s.store.UpdateMember(ctx, m, evs[k])
			})
			if errs.Is(err, errs.VersionMismatch) {
				if cur, gerr := s.store.GetMember(ctx, m.ID, InProvinces(m.Path.Province())); gerr == nil && cur.Version == m.Version && sameInstant(cur.UpdatedAt, m.UpdatedAt) {
					err = nil
				}
			}
			if err != nil {
				if !errs.Is(err, errs.DuplicateNationalID) && !errs.Is(err, errs.VersionMismatch) && !errs.Is(err, errs.NotFound) {
					return err
				}
				failed[at[k]] = s.duplicate(ctx, c, err, m.NationalID)
				continue
			}
			done[at[k]] = m
		}
		return nil
	})
	if err != nil {
		return make([]*Member, len(items)), failed, err
	}
	return done, failed, nil
}

// batchMarks are the branches a batch touches, each once, and the
// earliest day its events took effect: one Mark covers the whole batch.
func batchMarks(ms []*Member, evs []*Event) ([][]string, civil.Date) {
	seen := map[string]bool{}
	var paths [][]string
	var on civil.Date
	for i, m := range ms {
		if !seen[m.BranchID] {
			seen[m.BranchID] = true
			paths = append(paths, m.Path)
		}
		if d := evs[i].On; !d.IsZero() && (on.IsZero() || d.Before(on)) {
			on = d
		}
	}
	return paths, on
}

// sameInstant compares times as the stores keep them (MongoDB to the
// millisecond).
func sameInstant(a, b time.Time) bool {
	d := a.Sub(b)
	return d < time.Millisecond && d > -time.Millisecond
}
