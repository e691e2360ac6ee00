package learning

import (
	"fmt"
	"slices"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/evidence"
	"github.com/sohoi/sohoi/internal/units"
	"github.com/sohoi/sohoi/internal/vntext"
)

// The transitions change r in place and return nil, or return an error and
// leave r as it was: a wrong transition is errs.Conflict, bad input
// errs.Validation with the fields at fault. The caller stores r (with a
// compare-and-swap on Version) only when they succeed.

// open refuses a change to a decided record.
func (r *Recognition) open(what string) error {
	if r.Status.Final() {
		return errs.E(errs.Conflict, "recognition %s is %s: it cannot be %s any more (renew it for the next year instead)", r.ID, r.Status, what)
	}
	return nil
}

// Assess records the assessment of some or all criteria of set (a
// criterion assessed again is replaced). The record becomes assessed.
func (r *Recognition) Assess(set *CriteriaSet, as []Assessment) error {
	if err := r.open("assessed"); err != nil {
		return err
	}
	if err := r.checkSet(set); err != nil {
		return err
	}
	var f errs.Fields
	if len(as) == 0 {
		f.Add("assessments", "assess at least one criterion")
	}
	seen := map[string]bool{}
	for i, a := range as {
		field := fmt.Sprintf("assessments[%d]", i)
		switch {
		case set.Criterion(a.Criterion) == nil:
			f.Add(field+".criterion", "%q is not a criterion of %s", a.Criterion, set.ID)
		case seen[a.Criterion]:
			f.Add(field+".criterion", "%q is assessed twice", a.Criterion)
		}
		seen[a.Criterion] = true
		if len([]rune(a.Note)) > 1000 {
			f.Add(field+".note", "must be at most 1000 characters")
		}
		vntext.Check(f.Add, field+".note", a.Note)
	}
	if err := f.Err(); err != nil {
		return err
	}
	for _, a := range as {
		a.Note = vntext.Clean(a.Note)
		if old := r.assessment(a.Criterion); old != nil {
			*old = a
		} else {
			r.Assessments = append(r.Assessments, a)
		}
	}
	// Keep the set's order, so that a record reads like the form.
	slices.SortStableFunc(r.Assessments, func(a, b Assessment) int {
		return criterionIndex(set, a.Criterion) - criterionIndex(set, b.Criterion)
	})
	r.Status = Assessed
	return nil
}

// Attach shows evidence file (its content hash) for a criterion. Attaching
// the same file to the same criterion twice changes nothing.
func (r *Recognition) Attach(set *CriteriaSet, criterion, file string) error {
	if err := r.open("given evidence"); err != nil {
		return err
	}
	if err := r.checkSet(set); err != nil {
		return err
	}
	var f errs.Fields
	if set.Criterion(criterion) == nil {
		f.Add("criterion", "%q is not a criterion of %s", criterion, set.ID)
	}
	if !evidence.ValidID(file) {
		f.Add("file", "must be the SHA-256 of an evidence file, 64 lowercase hexadecimal digits")
	}
	if err := f.Err(); err != nil {
		return err
	}
	a := Attachment{Criterion: criterion, File: file}
	if !slices.Contains(r.Evidence, a) {
		r.Evidence = append(r.Evidence, a)
	}
	return nil
}

// Decide is a decision as taken: by which unit (its level is the level
// that recognised the model, so it comes from the unit, never from the
// client), on which day, under which number, and for a refusal why.
type Decide struct {
	By     *units.Unit
	On     civil.Date
	Number string
	Reason string
}

// Detach withdraws a file shown for a criterion (the wrong photo), while
// r is undecided; the file itself stays stored for any other record that
// shows it. Detaching a file that is not attached is errs.NotFound.
func (r *Recognition) Detach(criterion, file string) error {
	if err := r.open("changed"); err != nil {
		return err
	}
	i := slices.Index(r.Evidence, Attachment{Criterion: criterion, File: file})
	if i < 0 {
		return errs.E(errs.NotFound, "file %s is not attached to criterion %s of recognition %s", file, criterion, r.ID)
	}
	r.Evidence = slices.Delete(r.Evidence, i, i+1)
	return nil
}

// Recognise records the decision that recognises r. It must be assessed,
// ready (Missing is empty), and decided by an active unit on its path of a
// level the kind allows, on or after the day it was proposed.
func (r *Recognition) Recognise(cat *Catalogue, in Decide) error {
	if err := r.open("recognised"); err != nil {
		return err
	}
	if r.Status != Assessed {
		return errs.E(errs.Conflict, "recognition %s is %s: assess it before recognising it", r.ID, r.Status)
	}
	d, f := r.checkDecision(cat, in)
	if set := cat.Sets[r.Criteria]; set == nil {
		return errs.E(errs.Conflict, "criteria set %q of recognition %s is not in the catalogue", r.Criteria, r.ID)
	} else {
		f = append(f, r.Missing(set)...)
	}
	if err := f.Err(); err != nil {
		return err
	}
	r.Status, r.Decision = Recognised, d
	return nil
}

// Refuse records the decision that refuses r, with its reason.
func (r *Recognition) Refuse(cat *Catalogue, in Decide) error {
	if err := r.open("refused"); err != nil {
		return err
	}
	d, f := r.checkDecision(cat, in)
	d.Reason = vntext.Clean(in.Reason)
	if d.Reason == "" {
		f.Add("reason", "is required: say why the proposal is refused")
	}
	vntext.Check(f.Add, "reason", in.Reason)
	if err := f.Err(); err != nil {
		return err
	}
	r.Status, r.Decision = Refused, d
	return nil
}

// Missing lists, as field errors, what keeps r from being recognised on
// set: criteria not assessed, required criteria not met, a threshold not
// reached, and met criteria needing evidence that have none. An unmet
// criterion needs no evidence: evidence shows that a criterion is met.
func (r *Recognition) Missing(set *CriteriaSet) errs.Fields {
	var f errs.Fields
	met := 0
	for _, c := range set.Criteria {
		a := r.assessment(c.ID)
		switch {
		case a == nil:
			f.Add(fieldOf(c.ID), "is not assessed")
			continue
		case !a.Met && c.Required:
			f.Add(fieldOf(c.ID), "is required and not met")
		case a.Met && c.Evidence && r.evidenceFor(c.ID) == 0:
			f.Add(fieldOf(c.ID), "requires evidence: attach at least one file")
		}
		if a.Met {
			met++
		}
	}
	if set.Threshold > 0 && met < set.Threshold {
		f.Add("criteria", "%d of %d criteria are met; %s needs at least %d", met, len(set.Criteria), set.ID, set.Threshold)
	}
	return f
}

func (r *Recognition) checkSet(set *CriteriaSet) error {
	if set == nil || set.ID != r.Criteria {
		return errs.E(errs.Conflict, "recognition %s is assessed on criteria set %q", r.ID, r.Criteria)
	}
	return nil
}

// checkDecision is the decision to record, and what is wrong with it.
func (r *Recognition) checkDecision(cat *Catalogue, in Decide) (*Decision, errs.Fields) {
	var f errs.Fields
	d := &Decision{On: in.On, Number: vntext.Clean(in.Number)}
	k := cat.Kind(r.Kind)
	switch {
	case k == nil:
		f.Add("kind", "%q is not in the catalogue", r.Kind)
	case in.By == nil:
		f.Add("decision.byUnit", "is required")
	case in.By.Status == units.Closed:
		f.Add("decision.byUnit", "unit %s is closed", in.By.ID)
	case !r.Path.Contains(in.By.ID):
		f.Add("decision.byUnit", "must be the unit the model belongs to or one above it")
	case !slices.Contains(k.RecognisedBy, in.By.Level):
		f.Add("decision.byUnit", "a %s is decided by a unit of level %v, not %s", k.Name, k.RecognisedBy, in.By.Level)
	default:
		d.ByUnit, d.Level = in.By.ID, in.By.Level
	}
	if in.On.IsZero() || in.On.Before(r.ProposedOn) {
		f.Add("decision.on", "is required, on or after the day proposed (%s)", r.ProposedOn)
	}
	vntext.Check(f.Add, "decision.number", in.Number)
	return d, f
}

func criterionIndex(set *CriteriaSet, id string) int {
	return slices.IndexFunc(set.Criteria, func(c Criterion) bool { return c.ID == id })
}
