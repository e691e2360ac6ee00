package learning

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/units"
	"github.com/sohoi/sohoi/internal/vntext"
)

// Proposal is what proposing a learning model gives.
type Proposal struct {
	ID       string
	Kind     string
	Name     string
	MemberID string
	// Unit is the branch or commune the model belongs to.
	Unit       *units.Unit
	Year       int
	ProposedOn civil.Date
}

// firstYear: Programme 387 began in 2021, but associations recognised
// learning families long before (Chỉ thị 11/CT-TW 2007); older records are
// typing mistakes.
const firstYear = 2000

// Propose validates p against the catalogue and returns the new record,
// proposed, with nothing assessed.
func Propose(cat *Catalogue, p Proposal) (*Recognition, error) {
	var f errs.Fields
	k := cat.Kind(p.Kind)
	if k == nil {
		f.Add("kind", "must be one of %s", strings.Join(kindIDs(cat), ", "))
	}
	name := vntext.Clean(p.Name)
	switch {
	case name == "":
		f.Add("name", "is required: the household, clan, community or unit recognised")
	case len([]rune(name)) > 200:
		f.Add("name", "must be at most 200 characters")
	default:
		vntext.Check(f.Add, "name", p.Name)
	}
	if p.Unit == nil {
		f.Add("unitId", "is required")
	} else if p.Unit.Status == units.Closed {
		f.Add("unitId", "unit %s is closed", p.Unit.ID)
	} else if k != nil && !slices.Contains(k.BelongsAt, p.Unit.Level) {
		f.Add("unitId", "a %s belongs to a unit of level %v, not %s", k.Name, k.BelongsAt, p.Unit.Level)
	}
	if p.MemberID != "" && k != nil && k.Subject != Household {
		f.Add("memberId", "only a household is linked to a member")
	}
	if p.ProposedOn.IsZero() {
		f.Add("proposedOn", "is required")
	}
	if p.Year < firstYear || !p.ProposedOn.IsZero() && p.Year > p.ProposedOn.Year+1 {
		f.Add("year", "must be between %d and the year after it is proposed", firstYear)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return &Recognition{
		ID: p.ID, Kind: k.ID, Name: name, MemberID: p.MemberID,
		UnitID: p.Unit.ID, Path: slices.Clone(p.Unit.Path),
		Year: p.Year, Status: Proposed, Criteria: k.Criteria,
		Assessments: []Assessment{}, Evidence: []Attachment{}, ProposedOn: p.ProposedOn,
	}, nil
}

// Renew is the proposal for the year after prev, which must be
// recognised: a new record linked to it, with the same kind, name, member
// and unit, assessed afresh.
func Renew(prev *Recognition, id string, on civil.Date) (*Recognition, error) {
	if prev.Status != Recognised {
		return nil, errs.E(errs.Conflict, "only a recognised model is renewed; %s is %s", prev.ID, prev.Status)
	}
	if on.IsZero() {
		return nil, errs.Fields{{Field: "proposedOn", Message: "is required"}}.Err()
	}
	return &Recognition{
		ID: id, Kind: prev.Kind, Name: prev.Name, MemberID: prev.MemberID,
		UnitID: prev.UnitID, Path: slices.Clone(prev.Path), Year: prev.Year + 1,
		Status: Proposed, Criteria: prev.Criteria, Assessments: []Assessment{}, Evidence: []Attachment{},
		ProposedOn: on, RenewalOf: prev.ID,
	}, nil
}

func kindIDs(cat *Catalogue) []string {
	out := make([]string, len(cat.Kinds))
	for i, k := range cat.Kinds {
		out[i] = k.ID
	}
	return out
}

func fieldOf(criterion string) string { return fmt.Sprintf("criteria.%s", criterion) }
