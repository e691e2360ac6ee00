package records

import (
	"context"
	"slices"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/counting"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/page"
)

// notFoundModel is every not-found of a recognition, in the same words
// whether it does not exist or lies outside the caller's scope.
const modelWhat = "learning model"

// Proposal is a learning model as a client proposes it at a unit.
type Proposal struct {
	Kind     string
	Name     string
	MemberID string
	Year     int
	// ProposedOn defaults to today.
	ProposedOn civil.Date
}

// Propose records a new proposal at unit unitID (a branch or commune, as
// the kind allows), where the caller must be allowed to write learning
// models. A household may name the member who heads it: a member the
// caller may read, of the unit or a unit below it.
func (s *Service) Propose(ctx context.Context, c *access.Caller, unitID string, in Proposal) (*learning.Recognition, error) {
	u, err := s.units.Load(ctx, c, unitID, access.ObjLearning, access.Write)
	if err != nil {
		return nil, err
	}
	if in.MemberID != "" {
		m, err := s.members.Get(ctx, c, in.MemberID)
		if errs.Is(err, errs.NotFound) || err == nil && !slices.Contains(m.Path, u.ID) {
			return nil, errs.Fields{{Field: "memberId", Message: "is not a member of this unit or a unit below it"}}.Err()
		}
		if err != nil {
			return nil, err
		}
	}
	if in.ProposedOn.IsZero() {
		in.ProposedOn = civil.Today(s.now())
	}
	r, err := learning.Propose(s.cat, learning.Proposal{ID: ids.New(), Kind: in.Kind, Name: in.Name, MemberID: in.MemberID,
		Unit: u, Year: in.Year, ProposedOn: in.ProposedOn})
	if err != nil {
		return nil, err
	}
	r.Version = 1
	return r, s.create(ctx, c, r)
}

func (s *Service) create(ctx context.Context, c *access.Caller, r *learning.Recognition) error {
	e := entry(c, audit.Create, audit.ObjRecognition, r.ID, r.Path, nil, FieldsOf(r))
	return s.log.Change(ctx, e, func(ctx context.Context) error { return s.store.CreateRecognition(ctx, r) })
}

// load finds a recognition and authorises act on obj at its unit: one
// that does not exist and one outside the scope are both not found.
func (s *Service) load(ctx context.Context, c *access.Caller, id string, obj access.Object, act access.Action) (*learning.Recognition, error) {
	if !ids.Valid(id) {
		return nil, errs.E(errs.NotFound, "%s not found", modelWhat)
	}
	r, err := s.store.GetRecognition(ctx, id)
	if err == nil {
		err = c.Authorize(r.Path, obj, act, modelWhat)
	}
	if err != nil {
		return nil, access.NotFound(err, modelWhat)
	}
	return r, nil
}

// Get returns a recognition the caller may read.
func (s *Service) Get(ctx context.Context, c *access.Caller, id string) (*learning.Recognition, error) {
	return s.load(ctx, c, id, access.ObjLearning, access.Read)
}

// List lists the recognitions of unit unitID's subtree matching f, newest
// year first.
func (s *Service) List(ctx context.Context, c *access.Caller, unitID string, f learning.Filter, p page.Request) (page.Result[*learning.Recognition], error) {
	u, err := s.units.Load(ctx, c, unitID, access.ObjLearning, access.Read)
	if err != nil {
		return page.Result[*learning.Recognition]{}, err
	}
	return s.store.ListRecognitions(ctx, u.Path, f, p)
}

// change applies fn to r (loaded and authorised by the caller) and
// stores it with a compare-and-swap: ifVersion (If-Match), when not zero,
// must be its version. A recognition that becomes recognised marks the
// counters from its decision day.
func (s *Service) change(ctx context.Context, c *access.Caller, r *learning.Recognition, ifVersion int, fn func(r *learning.Recognition) error) (*learning.Recognition, error) {
	if ifVersion != 0 && ifVersion != r.Version {
		return nil, errs.E(errs.VersionMismatch, "%s %s is at version %d, not %d", modelWhat, r.ID, r.Version, ifVersion)
	}
	before := FieldsOf(r)
	next := clone(r)
	if err := fn(next); err != nil {
		return nil, err
	}
	next.Version++
	touched, on := counting.None, civil.Date{}
	if next.Status == learning.Recognised && r.Status != learning.Recognised {
		touched, on = recognitionFacts, next.Decision.On
	}
	e := entry(c, audit.Update, audit.ObjRecognition, r.ID, r.Path, before, FieldsOf(next))
	if err := s.write(ctx, next.Path, on, touched, e, func(ctx context.Context) error { return s.store.UpdateRecognition(ctx, next) }); err != nil {
		return nil, err
	}
	return next, nil
}

func clone(r *learning.Recognition) *learning.Recognition {
	cp := *r
	cp.Path = slices.Clone(r.Path)
	cp.Assessments = slices.Clone(r.Assessments)
	cp.Evidence = slices.Clone(r.Evidence)
	if r.Decision != nil {
		d := *r.Decision
		cp.Decision = &d
	}
	return &cp
}

// Assess records the assessment of criteria of recognition id: the
// caller must be allowed to assess at its unit (a manager at or above it).
func (s *Service) Assess(ctx context.Context, c *access.Caller, id string, as []learning.Assessment, ifVersion int) (*learning.Recognition, error) {
	r, err := s.load(ctx, c, id, access.ObjAssessment, access.Write)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, c, r, ifVersion, func(r *learning.Recognition) error { return r.Assess(s.cat.Sets[r.Criteria], as) })
}

// Decision is a decision as a client sends it: the deciding unit (on the
// record's path, of a level the kind allows), the day, the decision's
// number, and for a refusal the reason.
type Decision struct {
	ByUnit string
	On     civil.Date // defaults to today
	Number string
	Reason string
}

// decide loads recognition id (which the caller must be allowed to read)
// and the deciding unit, where the caller must be allowed to decide.
func (s *Service) decide(ctx context.Context, c *access.Caller, id string, d Decision) (*learning.Recognition, learning.Decide, error) {
	r, err := s.load(ctx, c, id, access.ObjLearning, access.Read)
	if err != nil {
		return nil, learning.Decide{}, err
	}
	if d.ByUnit == "" {
		return nil, learning.Decide{}, errs.Fields{{Field: "decision.byUnit", Message: "is required: the unit whose decision this is"}}.Err()
	}
	by, err := s.units.Load(ctx, c, d.ByUnit, access.ObjRecognition, access.Write)
	if err != nil {
		return nil, learning.Decide{}, err
	}
	if d.On.IsZero() {
		d.On = civil.Today(s.now())
	}
	return r, learning.Decide{By: by, On: d.On, Number: d.Number, Reason: d.Reason}, nil
}

// Recognise records the decision recognising recognition id. It must be
// assessed and ready: every criterion assessed, the required ones met, and
// evidence for each met criterion that needs it (learning.Missing).
func (s *Service) Recognise(ctx context.Context, c *access.Caller, id string, d Decision, ifVersion int) (*learning.Recognition, error) {
	if d.Reason != "" {
		return nil, errs.Fields{{Field: "reason", Message: "is given only when a proposal is refused"}}.Err()
	}
	r, in, err := s.decide(ctx, c, id, d)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, c, r, ifVersion, func(r *learning.Recognition) error { return r.Recognise(s.cat, in) })
}

// Refuse records the decision refusing recognition id, with its reason.
func (s *Service) Refuse(ctx context.Context, c *access.Caller, id string, d Decision, ifVersion int) (*learning.Recognition, error) {
	r, in, err := s.decide(ctx, c, id, d)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, c, r, ifVersion, func(r *learning.Recognition) error { return r.Refuse(s.cat, in) })
}

// Renew proposes recognised model id again for the next year, once: the
// caller must be allowed to propose at its unit.
func (s *Service) Renew(ctx context.Context, c *access.Caller, id string, on civil.Date) (*learning.Recognition, error) {
	prev, err := s.load(ctx, c, id, access.ObjLearning, access.Write)
	if err != nil {
		return nil, err
	}
	if other, err := s.store.RenewalOf(ctx, prev.ID); err == nil {
		return nil, errs.E(errs.Conflict, "%s %s is already renewed by %s", modelWhat, prev.ID, other.ID)
	} else if !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	if on.IsZero() {
		on = civil.Today(s.now())
	}
	next, err := learning.Renew(prev, ids.New(), on)
	if err != nil {
		return nil, err
	}
	next.Version = 1
	return next, s.create(ctx, c, next)
}
