package learning

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestDefaultCatalogueHasTheFourKindsOfProgramme387(t *testing.T) {
	c := Default()
	for kind, set := range map[string]string{"family": "family-387", "clan": "clan-387", "community": "community-387", "unit": "unit-tt22"} {
		k := c.Kind(kind)
		if k == nil || k.Criteria != set || c.SetOf(k) == nil {
			t.Fatalf("kind %s: %+v", kind, k)
		}
		s := c.SetOf(k)
		required, evidence := 0, 0
		for _, cr := range s.Criteria {
			if cr.Required {
				required++
			}
			if cr.Evidence {
				evidence++
			}
		}
		if len(s.Criteria) < 5 || required == 0 || evidence == 0 || !strings.Contains(s.Source, "/") {
			t.Errorf("set %s: %d criteria, %d required, %d with evidence, source %q", s.ID, len(s.Criteria), required, evidence, s.Source)
		}
	}
	if got := c.Kind("family").Name; got != "Gia đình học tập" {
		t.Errorf("family is %q", got)
	}
	if got := c.Sets["unit-tt22"].Source; !strings.Contains(got, "22/2020/TT-BGDĐT") {
		t.Errorf("unit set source %q", got)
	}
}

func TestLoadRefusesABadCatalogue(t *testing.T) {
	const kinds = "kinds:\n  - {id: family, name: Gia đình học tập, subject: household, criteria: f, belongsAt: [branch], recognisedBy: [commune]}\n"
	const set = "id: f\nname: F\ncriteria:\n  - {id: a, text: Một, required: true, evidence: true}\n  - {id: b, text: Hai}\n"
	cases := []struct {
		name  string
		files map[string]string
		want  string // in the error; "" loads
	}{
		{"good", map[string]string{"kinds.yaml": kinds, "f.yaml": set}, ""},
		{"a misspelt key", map[string]string{"kinds.yaml": kinds, "f.yaml": strings.Replace(set, "required", "requried", 1)}, "requried"},
		{"a kind naming no set", map[string]string{"kinds.yaml": strings.Replace(kinds, "criteria: f", "criteria: g", 1), "f.yaml": set}, `"g"`},
		{"a level that is not one", map[string]string{"kinds.yaml": strings.Replace(kinds, "[commune]", "[village]", 1), "f.yaml": set}, "village"},
		{"a subject that is not one", map[string]string{"kinds.yaml": strings.Replace(kinds, "household", "person", 1), "f.yaml": set}, "person"},
		{"a repeated criterion", map[string]string{"kinds.yaml": kinds, "f.yaml": strings.Replace(set, "id: b", "id: a", 1)}, "repeated"},
		{"a criterion without text", map[string]string{"kinds.yaml": kinds, "f.yaml": strings.Replace(set, "text: Hai", "text: ' '", 1)}, "no text"},
		{"a threshold above the criteria", map[string]string{"kinds.yaml": kinds, "f.yaml": set + "threshold: 3\n"}, "threshold"},
		{"no kinds", map[string]string{"f.yaml": set}, "no kinds"},
		{"a set defined twice", map[string]string{"kinds.yaml": kinds, "f.yaml": set, "g.yaml": set}, "twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for n, s := range c.files {
				fsys[n] = &fstest.MapFile{Data: []byte(s)}
			}
			_, err := Load(fsys)
			if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
				t.Fatalf("Load: %v; want an error with %q", err, c.want)
			}
		})
	}
}
