package members

import (
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
)

func TestNationalID(t *testing.T) {
	d := civil.MustParse
	cases := []struct {
		id     string
		gender Gender
		birth  civil.Date
		fields string // fields with errors, comma-separated
	}{
		{"034160000001", Female, d("1960-05-19"), ""},
		{"034060000001", Male, d("1960-05-19"), ""},
		{"001305000001", Female, d("2005-01-01"), ""}, // 3: a woman born in the 2000s
		{"001205000001", Male, d("2005-01-01"), ""},
		{"034160000001", "", civil.Date{}, ""},
		{"034160000001", Other, d("1960-05-19"), ""},
		{"123456789", Male, d("1960-05-19"), ""}, // an old CMND says nothing more
		{"034160000001", Male, civil.Date{}, "nationalId,gender"},
		{"034160000001", Female, d("1961-05-19"), "nationalId,birthDate"},
		{"034360000001", Female, d("1960-05-19"), "nationalId,birthDate"}, // 2060, not 1960
		{"034060000001", Female, d("1961-01-01"), "nationalId,gender,nationalId,birthDate"},
		{"099160000001", Female, civil.Date{}, "nationalId"}, // no province 99
		{"03416000000", "", civil.Date{}, "nationalId"},
		{"0341600000012", "", civil.Date{}, "nationalId"},
		{"03416000000a", "", civil.Date{}, "nationalId"},
		{"", Male, d("1960-05-19"), ""},
	}
	for _, c := range cases {
		var f errs.Fields
		checkNationalID(&f, c.id, c.gender, c.birth)
		var got []string
		for _, e := range f {
			got = append(got, e.Field)
		}
		if strings.Join(got, ",") != c.fields {
			t.Errorf("%s %s %s: errors on %v, want %q", c.id, c.gender, c.birth, got, c.fields)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	cases := []struct{ in, want string }{
		{"0912345678", "0912345678"},
		{"0912 345 678", "0912345678"},
		{"0912.345.678", "0912345678"},
		{"+84 912 345 678", "0912345678"},
		{"84912345678", "0912345678"},
		{"(0227) 3831 234", "02273831234"},
		{"12345", ""},
		{"091234567a", ""},
		{"+1 202 555 0100", ""},
		{"091234567890", ""},
	}
	for _, c := range cases {
		got, ok := normalizePhone(c.in)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("normalizePhone(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}
