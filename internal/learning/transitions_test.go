package learning

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

var (
	branch   = &units.Unit{ID: "b1", Level: units.Branch, Status: units.Active, Path: unitpath.Path{"root", "tb", "vt", "c1", "b1"}}
	commune  = &units.Unit{ID: "c1", Level: units.Commune, Status: units.Active, Path: unitpath.Path{"root", "tb", "vt", "c1"}}
	district = &units.Unit{ID: "vt", Level: units.District, Status: units.Active, Path: unitpath.Path{"root", "tb", "vt"}}
	// another commune of the district, not on the models' paths
	commune2 = &units.Unit{ID: "c2", Level: units.Commune, Status: units.Active, Path: unitpath.Path{"root", "tb", "vt", "c2"}}
	day      = civil.MustParse
)

func fileID(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func proposeFamily(t *testing.T) *Recognition {
	t.Helper()
	r, err := Propose(Default(), Proposal{ID: "r1", Kind: "family", Name: "  Gia đình ông Đỗ Văn An ", MemberID: "m1", Unit: branch, Year: 2022, ProposedOn: day("2022-05-10")})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// meetAll assesses every criterion of r's set as met, with evidence where
// required.
func meetAll(t *testing.T, r *Recognition) {
	t.Helper()
	set := Default().Sets[r.Criteria]
	var as []Assessment
	for _, c := range set.Criteria {
		as = append(as, Assessment{Criterion: c.ID, Met: true, Note: "đạt"})
		if c.Evidence {
			if err := r.Attach(set, c.ID, fileID(c.ID)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := r.Assess(set, as); err != nil {
		t.Fatal(err)
	}
}

var byCommune = Decide{By: commune, On: day("2022-06-20"), Number: "15/QĐ-UBND"}

func TestAFamilyProposedAssessedWithEvidenceIsRecognised(t *testing.T) {
	r := proposeFamily(t)
	if r.Status != Proposed || r.Name != "Gia đình ông Đỗ Văn An" || r.Criteria != "family-387" || !slices.Equal(r.Path, branch.Path) {
		t.Fatalf("proposed: %+v", r)
	}
	meetAll(t, r)
	if r.Status != Assessed || len(r.Missing(Default().Sets["family-387"])) != 0 {
		t.Fatalf("assessed: %s, missing %v", r.Status, r.Missing(Default().Sets["family-387"]))
	}
	if err := r.Recognise(Default(), byCommune); err != nil {
		t.Fatal(err)
	}
	if r.Status != Recognised || r.RecognisedOn() != day("2022-06-20") || r.Decision.Level != units.Commune {
		t.Fatalf("recognised: %+v", r)
	}
	// Final: nothing more changes it.
	set := Default().Sets[r.Criteria]
	for name, err := range map[string]error{
		"assess":    r.Assess(set, []Assessment{{Criterion: "f1-plan", Met: false}}),
		"attach":    r.Attach(set, "f1-plan", fileID("x")),
		"detach":    r.Detach("f2-children-in-school", fileID("f2-children-in-school")),
		"recognise": r.Recognise(Default(), byCommune),
		"refuse":    r.Refuse(Default(), Decide{By: commune, On: day("2022-07-01"), Reason: "x"}),
	} {
		if !errs.Is(err, errs.Conflict) {
			t.Errorf("%s after recognition: %v", name, err)
		}
	}
	if r.Status != Recognised || r.Assessments[0].Met != true {
		t.Fatalf("a refused transition changed the record: %+v", r)
	}
}

func TestRecognisingNeedsEveryCriterionAndItsEvidence(t *testing.T) {
	set := Default().Sets["family-387"]
	cases := []struct {
		name   string
		setup  func(t *testing.T, r *Recognition)
		fields []string // the fields named; empty: recognised
	}{
		{"all met with evidence", meetAll, nil},
		{"one criterion not assessed", func(t *testing.T, r *Recognition) {
			meetAll(t, r)
			r.Assessments = slices.DeleteFunc(r.Assessments, func(a Assessment) bool { return a.Criterion == "f4-books" })
		}, []string{"criteria.f4-books"}},
		{"a required criterion not met", func(t *testing.T, r *Recognition) {
			meetAll(t, r)
			r.Assess(set, []Assessment{{Criterion: "f1-plan", Met: false, Note: "chưa có kế hoạch"}})
		}, []string{"criteria.f1-plan"}},
		{"an optional criterion not met", func(t *testing.T, r *Recognition) {
			meetAll(t, r)
			r.Assess(set, []Assessment{{Criterion: "f4-books", Met: false}})
		}, nil},
		{"required evidence missing", func(t *testing.T, r *Recognition) {
			meetAll(t, r)
			r.Evidence = slices.DeleteFunc(r.Evidence, func(a Attachment) bool { return a.Criterion == "f2-children-in-school" })
		}, []string{"criteria.f2-children-in-school"}},
		{"evidence for another criterion does not count", func(t *testing.T, r *Recognition) {
			meetAll(t, r)
			r.Evidence = slices.DeleteFunc(r.Evidence, func(a Attachment) bool { return a.Criterion == "f5-culture" })
			r.Attach(set, "f4-books", fileID("books"))
		}, []string{"criteria.f5-culture"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := proposeFamily(t)
			c.setup(t, r)
			err := r.Recognise(Default(), byCommune)
			if len(c.fields) == 0 {
				if err != nil || r.Status != Recognised {
					t.Fatalf("not recognised: %v", err)
				}
				return
			}
			if !errs.Is(err, errs.Validation) || r.Status != Assessed || r.Decision != nil {
				t.Fatalf("recognised or wrong error: %v, status %s", err, r.Status)
			}
			var got []string
			for _, f := range errs.As(err).Fields {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, c.fields) {
				t.Fatalf("fields %v, want %v", got, c.fields)
			}
		})
	}
}

func TestDetachingEvidenceMakesItMissingAgain(t *testing.T) {
	r := proposeFamily(t)
	meetAll(t, r)
	set := Default().Sets[r.Criteria]
	if err := r.Attach(set, "f5-culture", fileID("f5-culture")); err != nil || len(r.Evidence) != 3 {
		t.Fatalf("attaching the same file again: %v, %d attachments", err, len(r.Evidence))
	}
	if err := r.Detach("f5-culture", fileID("f5-culture")); err != nil {
		t.Fatal(err)
	}
	if m := r.Missing(set); len(m) != 1 || m[0].Field != "criteria.f5-culture" {
		t.Fatalf("missing after detaching: %v", m)
	}
	if err := r.Detach("f5-culture", fileID("f5-culture")); !errs.Is(err, errs.NotFound) {
		t.Fatalf("detaching twice: %v", err)
	}
}

func TestAThresholdSetNeedsEnoughCriteriaMet(t *testing.T) {
	// community-387: four optional criteria, threshold 5 of 7.
	r, err := Propose(Default(), Proposal{ID: "k", Kind: "community", Name: "Thôn Đông", Unit: commune, Year: 2022, ProposedOn: day("2022-03-01")})
	if err != nil {
		t.Fatal(err)
	}
	set := Default().Sets["community-387"]
	for _, c := range set.Criteria {
		r.Attach(set, c.ID, fileID(c.ID))
	}
	assess := func(met ...string) {
		var as []Assessment
		for _, c := range set.Criteria {
			as = append(as, Assessment{Criterion: c.ID, Met: c.Required || slices.Contains(met, c.ID)})
		}
		if err := r.Assess(set, as); err != nil {
			t.Fatal(err)
		}
	}
	assess("k3-clans") // 4 of 7
	missing := r.Missing(set)
	if len(missing) != 1 || missing[0].Field != "criteria" || !strings.Contains(missing[0].Message, "4 of 7") {
		t.Fatalf("4 of 7 met: %v", missing)
	}
	assess("k3-clans", "k7-fund") // 5 of 7
	if err := r.Recognise(Default(), Decide{By: district, On: day("2022-06-30")}); err != nil {
		t.Fatal(err)
	}
}

func TestTransitionsAreValidated(t *testing.T) {
	set := Default().Sets["family-387"]
	cases := []struct {
		name  string
		do    func(r *Recognition) error
		code  errs.Code
		field string
	}{
		{"recognise before assessing", func(r *Recognition) error { return r.Recognise(Default(), byCommune) }, errs.Conflict, ""},
		{"assess an unknown criterion", func(r *Recognition) error {
			return r.Assess(set, []Assessment{{Criterion: "k1-plan", Met: true}})
		}, errs.Validation, "assessments[0].criterion"},
		{"assess a criterion twice at once", func(r *Recognition) error {
			return r.Assess(set, []Assessment{{Criterion: "f1-plan", Met: true}, {Criterion: "f1-plan"}})
		}, errs.Validation, "assessments[1].criterion"},
		{"assess nothing", func(r *Recognition) error { return r.Assess(set, nil) }, errs.Validation, "assessments"},
		{"a note with a line break", func(r *Recognition) error {
			return r.Assess(set, []Assessment{{Criterion: "f1-plan", Note: "a\nb"}})
		}, errs.Validation, "assessments[0].note"},
		{"assess on another set", func(r *Recognition) error {
			return r.Assess(Default().Sets["clan-387"], []Assessment{{Criterion: "c1-board"}})
		}, errs.Conflict, ""},
		{"attach a file that is not a content id", func(r *Recognition) error { return r.Attach(set, "f1-plan", "../x.pdf") }, errs.Validation, "file"},
		{"attach to an unknown criterion", func(r *Recognition) error { return r.Attach(set, "zz", fileID("a")) }, errs.Validation, "criterion"},
		{"recognised by a branch", func(r *Recognition) error {
			meetAll(t, r)
			return r.Recognise(Default(), Decide{By: branch, On: day("2022-06-01")})
		}, errs.Validation, "decision.byUnit"},
		{"recognised by a unit outside its path", func(r *Recognition) error {
			meetAll(t, r)
			return r.Recognise(Default(), Decide{By: commune2, On: day("2022-06-01")})
		}, errs.Validation, "decision.byUnit"},
		{"recognised by a closed commune", func(r *Recognition) error {
			meetAll(t, r)
			closed := *commune
			closed.Status = units.Closed
			return r.Recognise(Default(), Decide{By: &closed, On: day("2022-06-01")})
		}, errs.Validation, "decision.byUnit"},
		{"recognised by nobody", func(r *Recognition) error {
			meetAll(t, r)
			return r.Recognise(Default(), Decide{On: day("2022-06-01")})
		}, errs.Validation, "decision.byUnit"},
		{"recognised before proposed", func(r *Recognition) error {
			meetAll(t, r)
			return r.Recognise(Default(), Decide{By: commune, On: day("2022-05-09")})
		}, errs.Validation, "decision.on"},
		{"refused without a reason", func(r *Recognition) error {
			return r.Refuse(Default(), Decide{By: commune, On: day("2022-06-01")})
		}, errs.Validation, "reason"},
		{"renew a record not recognised", func(r *Recognition) error { _, err := Renew(r, "r2", day("2023-03-01")); return err }, errs.Conflict, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := proposeFamily(t)
			err := c.do(r)
			if errs.CodeOf(err) != c.code {
				t.Fatalf("got %v, want %s", err, c.code)
			}
			if c.field != "" && !slices.ContainsFunc(errs.As(err).Fields, func(f errs.FieldError) bool { return f.Field == c.field }) {
				t.Fatalf("fields %v do not name %s", errs.As(err).Fields, c.field)
			}
			if r.Decision != nil || r.Status.Final() {
				t.Fatalf("a refused transition decided the record: %s", r.Status)
			}
		})
	}
}

func TestRefusedIsFinal(t *testing.T) {
	r := proposeFamily(t)
	if err := r.Refuse(Default(), Decide{By: commune, On: day("2022-06-01"), Reason: " thiếu minh chứng "}); err != nil {
		t.Fatal(err)
	}
	if r.Status != Refused || r.Decision.Reason != "thiếu minh chứng" || !r.RecognisedOn().IsZero() {
		t.Fatalf("refused: %+v", r)
	}
	meetAllErr := r.Assess(Default().Sets["family-387"], []Assessment{{Criterion: "f1-plan", Met: true}})
	if !errs.Is(meetAllErr, errs.Conflict) {
		t.Fatalf("assessing a refused record: %v", meetAllErr)
	}
}

func TestRenewalIsANewRecordForTheNextYear(t *testing.T) {
	r := proposeFamily(t)
	meetAll(t, r)
	if err := r.Recognise(Default(), byCommune); err != nil {
		t.Fatal(err)
	}
	next, err := Renew(r, "r2", day("2023-04-01"))
	if err != nil {
		t.Fatal(err)
	}
	if next.Year != 2023 || next.RenewalOf != "r1" || next.Status != Proposed || len(next.Assessments) != 0 || len(next.Evidence) != 0 ||
		next.Kind != r.Kind || next.Name != r.Name || next.MemberID != "m1" || !slices.Equal(next.Path, r.Path) {
		t.Fatalf("renewal: %+v", next)
	}
	next.Path[0] = "changed"
	if r.Path[0] != "root" {
		t.Fatal("the renewal shares its path with the previous record")
	}
}

func TestProposeValidates(t *testing.T) {
	closed := *branch
	closed.Status = units.Closed
	good := Proposal{ID: "r", Kind: "family", Name: "Gia đình bà Lê Thị Hoa", Unit: branch, Year: 2022, ProposedOn: day("2022-01-05")}
	cases := []struct {
		name   string
		change func(p *Proposal)
		field  string // "" is accepted
	}{
		{"good", func(p *Proposal) {}, ""},
		{"a clan at a commune", func(p *Proposal) { p.Kind, p.Unit = "clan", commune }, ""},
		{"next year's, proposed in December", func(p *Proposal) { p.Year, p.ProposedOn = 2023, day("2022-12-20") }, ""},
		{"unknown kind", func(p *Proposal) { p.Kind = "village" }, "kind"},
		{"no name", func(p *Proposal) { p.Name = "  " }, "name"},
		{"a name with a zero-width space", func(p *Proposal) { p.Name = "Gia đình\u200b An" }, "name"},
		{"no unit", func(p *Proposal) { p.Unit = nil }, "unitId"},
		{"a closed unit", func(p *Proposal) { p.Unit = &closed }, "unitId"},
		{"a family at a district", func(p *Proposal) { p.Unit = district }, "unitId"},
		{"a clan linked to a member", func(p *Proposal) { p.Kind, p.MemberID = "clan", "m1" }, "memberId"},
		{"two years ahead", func(p *Proposal) { p.Year = 2024 }, "year"},
		{"no year", func(p *Proposal) { p.Year = 0 }, "year"},
		{"no day", func(p *Proposal) { p.ProposedOn = civil.Date{} }, "proposedOn"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := good
			c.change(&p)
			r, err := Propose(Default(), p)
			if c.field == "" {
				if err != nil || r.Status != Proposed {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errs.Is(err, errs.Validation) || !slices.ContainsFunc(errs.As(err).Fields, func(f errs.FieldError) bool { return f.Field == c.field }) {
				t.Fatalf("got %v, want a validation error on %s", err, c.field)
			}
		})
	}
}
