package learning

import (
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// Status is where a recognition stands:
//
//	proposed → assessed → recognised
//	    └──────────┴────→ refused
//
// Assessing may be repeated while assessed; recognised and refused are
// final. A model recognised for one year is renewed by a new record for the
// next year (Renew), never by reopening this one.
type Status string

const (
	Proposed   Status = "proposed"
	Assessed   Status = "assessed"
	Recognised Status = "recognised"
	Refused    Status = "refused"
)

// Final reports whether no transition leaves s.
func (s Status) Final() bool { return s == Recognised || s == Refused }

// Recognition is one learning model proposed for one year: the household,
// clan, community or unit it names, where it belongs, how it was assessed
// and what was decided.
type Recognition struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	// Name is what the record names: the household ("Gia đình ông Đỗ Văn
	// An"), the clan ("Dòng họ Vũ"), the village, the agency.
	Name string `json:"name"`
	// MemberID links the member who heads the household, where there is one.
	MemberID string `json:"memberId,omitempty"`
	// UnitID is the branch or commune the model belongs to, Path its path.
	UnitID string        `json:"unitId"`
	Path   unitpath.Path `json:"path"`
	Year   int           `json:"year"`
	Status Status        `json:"status"`
	// Criteria is the id of the criteria set it is assessed on, fixed when
	// proposed so that a later edition of the catalogue does not change
	// what an old record meant.
	Criteria    string       `json:"criteria"`
	Assessments []Assessment `json:"assessments"`
	Evidence    []Attachment `json:"evidence"`
	ProposedOn  civil.Date   `json:"proposedOn"`
	// Decision is set when recognised or refused.
	Decision *Decision `json:"decision,omitempty"`
	// RenewalOf is the id of the previous year's recognition this renews.
	RenewalOf string `json:"renewalOf,omitempty"`
	Version   int    `json:"version"`
}

// Assessment is one criterion as assessed.
type Assessment struct {
	Criterion string `json:"criterion"`
	Met       bool   `json:"met"`
	Note      string `json:"note,omitempty"`
}

// Attachment is one evidence file (its content hash, internal/evidence)
// shown for one criterion.
type Attachment struct {
	Criterion string `json:"criterion"`
	File      string `json:"file"`
}

// Decision is the recognising (or refusing) decision: by a unit of which
// level, on which day, under which decision number (số quyết định).
type Decision struct {
	ByUnit string      `json:"byUnit"`
	Level  units.Level `json:"level"`
	On     civil.Date  `json:"on"`
	Number string      `json:"number,omitempty"`
	// Reason is why a proposal was refused.
	Reason string `json:"reason,omitempty"`
}

// RecognisedOn is the day r was recognised, or the zero date if it was
// not (yet).
func (r *Recognition) RecognisedOn() civil.Date {
	if r.Status != Recognised || r.Decision == nil {
		return civil.Date{}
	}
	return r.Decision.On
}

func (r *Recognition) assessment(criterion string) *Assessment {
	for i := range r.Assessments {
		if r.Assessments[i].Criterion == criterion {
			return &r.Assessments[i]
		}
	}
	return nil
}

func (r *Recognition) evidenceFor(criterion string) int {
	n := 0
	for _, a := range r.Evidence {
		if a.Criterion == criterion {
			n++
		}
	}
	return n
}
