package members

import (
	"slices"
	"testing"

	"github.com/sohoi/sohoi/internal/unitpath"
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

// A member is filed under every unit of its path, its branch included,
// with every term of its name: path length × terms keys.
func TestSearchKeys(t *testing.T) {
	m := &Member{FullName: "Lê Thị Hoa", Path: unitpath.Path{"r", "p", "b"}}
	keys := m.SearchKeys()
	terms := SearchTerms(m.NameWords())
	if len(terms) != 6 || len(keys) != 3*6 {
		t.Fatalf("%d terms, %d keys", len(terms), len(keys))
	}
	for _, want := range []SearchKey{{"r", "le"}, {"p", "hoa thi"}, {"b", "thi"}, {"b", "hoa le"}} {
		if !slices.Contains(keys, want) {
			t.Errorf("missing %v in %v", want, keys)
		}
	}
	if len((&Member{FullName: "An"}).SearchKeys()) != 0 {
		t.Error("a member with no path is filed somewhere")
	}
}
