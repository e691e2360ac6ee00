package members

import (
	"slices"
	"testing"
)

func TestSearchTerms(t *testing.T) {
	cases := []struct {
		words []string
		want  []string
	}{
		{nil, []string{}},
		{[]string{"an"}, []string{"an"}},
		{[]string{"nguyen", "van", "an"}, []string{"nguyen", "van", "an", "nguyen van", "an nguyen", "an van"}},
		{[]string{"thi", "an"}, []string{"thi", "an", "an thi"}},
	}
	for _, c := range cases {
		if got := SearchTerms(c.words); !slices.Equal(got, c.want) {
			t.Errorf("SearchTerms(%q) = %q, want %q", c.words, got, c.want)
		}
	}
}

func TestPlanSearch(t *testing.T) {
	cases := []struct {
		words []string
		want  SearchPlan
	}{
		{[]string{"pham"}, SearchPlan{Lead: "pham"}},
		{[]string{"nguyen", "thi"}, SearchPlan{Lead: "nguyen thi"}},
		{[]string{"thi", "nguyen"}, SearchPlan{Lead: "nguyen thi"}},
		// the rarest pair leads: hoa and le are rarer than thi
		{[]string{"le", "thi", "hoa"}, SearchPlan{Lead: "hoa le", Check: []string{"thi"}}},
		{[]string{"hoa", "le", "thi"}, SearchPlan{Lead: "hoa le", Check: []string{"thi"}}},
		// unknown words are rare
		{[]string{"nguyen", "van", "xyz", "thi"}, SearchPlan{Lead: "van xyz", Check: []string{"nguyen", "thi"}}},
	}
	for _, c := range cases {
		got := PlanSearch(c.words)
		if got.Lead != c.want.Lead || !slices.Equal(got.Check, c.want.Check) {
			t.Errorf("PlanSearch(%q) = %+v, want %+v", c.words, got, c.want)
		}
	}
}
