package scholarships

import (
	"maps"
	"slices"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/unitpath"
)

var (
	day     = civil.MustParse
	commune = unitpath.Path{"root", "tb", "vt", "c1"}
)

// paid is the payment voucher PC07 of commune c1: 1,000,000 đồng for a
// scholarship on 2022-05-19.
func paid() *fund.Entry {
	return &fund.Entry{ID: "pc07", UnitID: "c1", Path: commune, Date: day("2022-05-19"), Direction: fund.Out, Amount: 1_000_000, Party: "Học bổng học sinh vượt khó", Receipt: "PC07"}
}

func award() *Award {
	return &Award{ID: "a1", UnitID: "c1", Path: commune, Date: day("2022-05-19"), Amount: 1_000_000, FundEntry: "pc07",
		Student: Student{Name: " Vũ Thị   Mai ", BirthYear: 2010, School: "Trường THCS Vũ Thư", Level: LowerSecondary}}
}

func TestAScholarshipPaidFromTheFund(t *testing.T) {
	a := award()
	if err := Validate(a, paid()); err != nil {
		t.Fatal(err)
	}
	if a.Student.Name != "Vũ Thị Mai" {
		t.Fatalf("name stored as %q", a.Student.Name)
	}
}

func TestCheckPayment(t *testing.T) {
	cases := []struct {
		name   string
		entry  func(e *fund.Entry) *fund.Entry
		fields []string // empty: accepted
	}{
		{"the entry that paid it", func(e *fund.Entry) *fund.Entry { return e }, nil},
		{"no entry found", func(e *fund.Entry) *fund.Entry { return nil }, []string{"fundEntry"}},
		{"another entry", func(e *fund.Entry) *fund.Entry { e.ID = "pc08"; return e }, []string{"fundEntry"}},
		{"a contribution", func(e *fund.Entry) *fund.Entry { e.Direction = fund.In; return e }, []string{"fundEntry"}},
		{"a reversal", func(e *fund.Entry) *fund.Entry { e.Reverses = "pc01"; return e }, []string{"fundEntry"}},
		{"another unit's payment", func(e *fund.Entry) *fund.Entry { e.UnitID = "c2"; return e }, []string{"fundEntry"}},
		{"another amount", func(e *fund.Entry) *fund.Entry { e.Amount = 999_999; return e }, []string{"amount"}},
		{"another day", func(e *fund.Entry) *fund.Entry { e.Date = day("2022-05-20"); return e }, []string{"date"}},
		{"everything different", func(e *fund.Entry) *fund.Entry {
			e.UnitID, e.Amount, e.Date = "c2", 1, day("2022-05-20")
			return e
		}, []string{"fundEntry", "amount", "date"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckPayment(award(), c.entry(paid()))
			if len(c.fields) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var got []string
			for _, f := range errs.As(err).Fields {
				got = append(got, f.Field)
			}
			if !errs.Is(err, errs.Validation) || !slices.Equal(got, c.fields) {
				t.Fatalf("got %v (fields %v), want fields %v", err, got, c.fields)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(a *Award)
		field  string // "": accepted
	}{
		{"in money", func(a *Award) {}, ""},
		{"in kind", func(a *Award) { a.Amount, a.FundEntry, a.InKind = 0, "", "Một xe đạp" }, ""},
		{"not a member, no birth year", func(a *Award) { a.Student.BirthYear = 0 }, ""},
		{"both money and in kind", func(a *Award) { a.InKind = "Một xe đạp" }, "inKind"},
		{"neither", func(a *Award) { a.Amount, a.FundEntry = 0, "" }, "amount"},
		{"negative", func(a *Award) { a.Amount = -1_000_000 }, "amount"},
		{"in kind naming an entry", func(a *Award) { a.Amount, a.InKind = 0, "Vở" }, "fundEntry"},
		{"money without an entry", func(a *Award) { a.FundEntry = "" }, "fundEntry"},
		{"a level outside the set", func(a *Award) { a.Student.Level = "grade9" }, "student.level"},
		{"no name", func(a *Award) { a.Student.Name = "" }, "student.name"},
		{"no school", func(a *Award) { a.Student.School = " " }, "student.school"},
		{"a name with a NUL", func(a *Award) { a.Student.Name = "Mai\x00" }, "student.name"},
		{"born the year of the award", func(a *Award) { a.Student.BirthYear = 2022 }, "student.birthYear"},
		{"no date", func(a *Award) { a.Date = civil.Date{} }, "date"},
		{"a unit off its path", func(a *Award) { a.UnitID = "vt" }, "unitId"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := award()
			c.change(a)
			err := Validate(a, paid())
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errs.Is(err, errs.Validation) || !slices.ContainsFunc(errs.As(err).Fields, func(f errs.FieldError) bool { return f.Field == c.field }) {
				t.Fatalf("got %v, want a validation error on %s", err, c.field)
			}
		})
	}
}

func TestUnitOnCountsAwardsByLevelAndDay(t *testing.T) {
	at := func(date string, level SchoolLevel, amount int64) *Award {
		a := &Award{Date: day(date), Student: Student{Level: level}, Amount: amount}
		if amount == 0 {
			a.InKind = "Vở"
		}
		return a
	}
	own := []*Award{
		at("2022-01-15", Primary, 500_000),
		at("2022-05-19", LowerSecondary, 1_000_000),
		at("2022-05-19", LowerSecondary, 0),
		at("2022-09-05", Higher, 5_000_000),
	}
	live, err := UnitOn(own, civil.Date{})
	if err != nil {
		t.Fatal(err)
	}
	h1, _ := live.Between(day("2022-01-01"), day("2022-06-30"))
	want := Figures{ByLevel: map[SchoolLevel]int{Primary: 1, LowerSecondary: 2}, Awards: 3, Amount: 1_500_000}
	if h1.Awards != want.Awards || h1.Amount != want.Amount || !maps.Equal(h1.ByLevel, want.ByLevel) {
		t.Fatalf("first half %+v, want %+v", h1, want)
	}
	// As of a day, the day's contribution and the live one agree.
	asOf, _ := UnitOn(own, day("2022-05-19"))
	upTo, _ := asOf.Between(civil.Date{}, civil.Date{})
	if upTo.Awards != 3 || upTo.Amount != 1_500_000 {
		t.Fatalf("as of 2022-05-19: %+v", upTo)
	}
	// A parent adds its children's.
	sum := Contribution{}
	sum.Add(live)
	sum.Add(asOf)
	all, _ := sum.Between(civil.Date{}, civil.Date{})
	if all.Awards != 7 || all.Amount != 8_000_000 {
		t.Fatalf("sum %+v", all)
	}
}
