package learning

import (
	"testing"

	"github.com/sohoi/sohoi/internal/errs"
)

// The state machine in one table: from each status, which transitions are
// allowed (given good input) and which are a conflict.
func TestStatusTransitions(t *testing.T) {
	ready := func(t *testing.T, s Status) *Recognition {
		r := proposeFamily(t)
		if s == Proposed {
			// Evidence and all criteria met, but not assessed: only the
			// status differs.
			meetAll(t, r)
			r.Status = Proposed
			return r
		}
		meetAll(t, r)
		switch s {
		case Recognised:
			if err := r.Recognise(Default(), byCommune); err != nil {
				t.Fatal(err)
			}
		case Refused:
			if err := r.Refuse(Default(), Decide{By: commune, On: day("2022-06-20"), Reason: "chưa đạt"}); err != nil {
				t.Fatal(err)
			}
		}
		return r
	}
	set := Default().Sets["family-387"]
	actions := map[string]func(r *Recognition) (Status, error){
		"assess": func(r *Recognition) (Status, error) {
			return Assessed, r.Assess(set, []Assessment{{Criterion: "f4-books", Met: true}})
		},
		"recognise": func(r *Recognition) (Status, error) { return Recognised, r.Recognise(Default(), byCommune) },
		"refuse": func(r *Recognition) (Status, error) {
			return Refused, r.Refuse(Default(), Decide{By: commune, On: day("2022-06-20"), Reason: "thiếu minh chứng"})
		},
		"renew": func(r *Recognition) (Status, error) {
			next, err := Renew(r, "r2", day("2023-03-01"))
			if err != nil {
				return "", err
			}
			return next.Status, nil
		},
	}
	allowed := map[Status]map[string]Status{
		Proposed:   {"assess": Assessed, "refuse": Refused},
		Assessed:   {"assess": Assessed, "recognise": Recognised, "refuse": Refused},
		Recognised: {"renew": Proposed},
		Refused:    {},
	}
	for from, ok := range allowed {
		for name, act := range actions {
			t.Run(string(from)+"/"+name, func(t *testing.T) {
				r := ready(t, from)
				to, err := act(r)
				want, isAllowed := ok[name]
				switch {
				case isAllowed && err != nil:
					t.Fatalf("refused: %v", err)
				case isAllowed && to != want:
					t.Fatalf("went to %s, want %s", to, want)
				case !isAllowed && !errs.Is(err, errs.Conflict):
					t.Fatalf("got %v, want a conflict", err)
				case !isAllowed && r.Status != from:
					t.Fatalf("a refused transition moved %s to %s", from, r.Status)
				}
			})
		}
	}
}
