package units

import (
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/units/vnadmin"
)

func TestParseAdminAreasBeforeReform(t *testing.T) {
	f, err := vnadmin.Open(vnadmin.Before2025Reform)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	areas, err := ParseAdminAreas(f, "34")
	if err != nil {
		t.Fatal(err)
	}
	if len(areas) != 1 || areas[0].Name != "Tỉnh Thái Bình" || areas[0].Level != Province {
		t.Fatalf("got %+v", areas)
	}
	communes := 0
	for _, d := range areas[0].Children {
		if d.Level != District || len(d.Code) != 3 {
			t.Fatalf("district %+v", d)
		}
		for _, c := range d.Children {
			if c.Level != Commune || len(c.Code) != 5 {
				t.Fatalf("commune %+v", c)
			}
			communes++
		}
	}
	// vnadmin/README.md: 8 districts and 242 communes before the reform
	if len(areas[0].Children) != 8 || communes != 242 {
		t.Fatalf("%d districts, %d communes", len(areas[0].Children), communes)
	}
}

func TestParseAdminAreasAfterReform(t *testing.T) {
	f, err := vnadmin.Open(vnadmin.Current)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	areas, err := ParseAdminAreas(f, "")
	if err != nil {
		t.Fatal(err)
	}
	communes := 0
	for _, p := range areas {
		for _, c := range p.Children {
			if c.Level != Commune { // communes sit directly under provinces now
				t.Fatalf("%+v", c)
			}
			communes++
		}
	}
	if len(areas) != 34 || communes != 3321 {
		t.Fatalf("%d provinces, %d communes", len(areas), communes)
	}
}

func TestParseAdminAreasErrors(t *testing.T) {
	cases := map[string]string{
		"not JSON":       `{`,
		"bad code":       `{"data":[{"level1_id":"3400","name":"x"}]}`,
		"unknown filter": `{"data":[{"level1_id":"34","name":"x"}]}`,
	}
	for name, in := range cases {
		province := ""
		if name == "unknown filter" {
			province = "99"
		}
		if _, err := ParseAdminAreas(strings.NewReader(in), province); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
