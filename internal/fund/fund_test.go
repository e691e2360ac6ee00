package fund

import (
	"math"
	"slices"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/unitpath"
)

var (
	day      = civil.MustParse
	commune  = unitpath.Path{"root", "tb", "vt", "c1"}
	branch   = unitpath.Path{"root", "tb", "vt", "c1", "b1"}
	district = unitpath.Path{"root", "tb", "vt"}
)

func entry(id string, at unitpath.Path, date string, dir Direction, amount int64, receipt string) *Entry {
	return &Entry{ID: id, UnitID: at.Unit(), Path: at, Date: day(date), Direction: dir, Amount: amount, Party: "Ông Vũ Văn Bình", Receipt: receipt}
}

func reversal(id string, of *Entry, date string) *Entry {
	return &Entry{ID: id, UnitID: of.UnitID, Path: of.Path, Date: day(date), Direction: of.Direction, Amount: of.Amount, Reverses: of.ID, Note: "nhập nhầm số tiền"}
}

// ledger is a commune's half year: contributions, a payment, and a
// contribution entered wrongly (5,000,000 for 500,000), reversed and
// entered again.
func ledger() []*Entry {
	wrong := entry("e3", commune, "2022-03-15", In, 5_000_000, "PT03")
	return []*Entry{
		entry("e1", commune, "2021-12-20", In, 10_000_000, "PT12"),
		entry("e2", commune, "2022-01-10", In, 2_000_000, "PT01"),
		wrong,
		entry("e4", commune, "2022-05-31", Out, 3_000_000, "PC01"),
		reversal("e5", wrong, "2022-04-02"),
		entry("e6", commune, "2022-04-02", In, 500_000, "PT04"),
		entry("e7", branch, "2022-02-01", In, 1_000_000, "PT01"), // a branch's own PT01
	}
}

func TestBalanceAsOfSeveralDaysWithAReversingCorrection(t *testing.T) {
	own := ledger()[:6]
	cases := []struct {
		asOf string
		want int64
	}{
		{"2021-12-19", 0},
		{"2021-12-20", 10_000_000},
		{"2022-03-14", 12_000_000},
		{"2022-03-15", 17_000_000}, // the wrong entry, as it was then
		{"2022-04-01", 17_000_000},
		{"2022-04-02", 12_500_000}, // reversed and entered right the same day
		{"2022-05-31", 9_500_000},
		{"2022-12-31", 9_500_000},
	}
	for _, c := range cases {
		got, err := BalanceOf("c1", ledger(), day(c.asOf))
		if err != nil || got != c.want {
			t.Errorf("balance of c1 on %s = %d, %v; want %d", c.asOf, got, err, c.want)
		}
		// The live contribution read as of the day agrees: one stored tally
		// answers every past day.
		live, _ := UnitOn(own, civil.Date{})
		if got, _ := live.Balance(day(c.asOf)); got != c.want {
			t.Errorf("live contribution as of %s = %d; want %d", c.asOf, got, c.want)
		}
	}
}

func TestSubtreeBalanceAddsTheUnitsBelow(t *testing.T) {
	for _, c := range []struct {
		top  unitpath.Path
		want int64
	}{{district, 10_500_000}, {commune, 10_500_000}, {branch, 1_000_000}, {unitpath.Path{"root", "tb", "other"}, 0}} {
		got, err := SubtreeBalance(c.top, ledger(), day("2022-06-30"))
		if err != nil || got != c.want {
			t.Errorf("subtree %v = %d, %v; want %d", c.top, got, err, c.want)
		}
	}
	// A parent's tally is its own contribution plus its children's.
	var own, child []*Entry
	for _, e := range ledger() {
		if e.UnitID == "c1" {
			own = append(own, e)
		} else {
			child = append(child, e)
		}
	}
	sum, _ := UnitOn(own, civil.Date{})
	c, _ := UnitOn(child, civil.Date{})
	if err := sum.Add(c); err != nil {
		t.Fatal(err)
	}
	if got, _ := sum.Balance(day("2022-06-30")); got != 10_500_000 {
		t.Fatalf("added contributions: %d", got)
	}
}

func TestTheHalfYearSectionBalances(t *testing.T) {
	c, _ := UnitOn(ledger(), civil.Date{})
	s, err := c.Section(day("2022-01-01"), day("2022-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	// In: 2,000,000 + 5,000,000 − 5,000,000 (reversed) + 500,000 + the
	// branch's 1,000,000; out: 3,000,000.
	want := Section{From: day("2022-01-01"), To: day("2022-06-30"), Start: 10_000_000, In: 3_500_000, Out: 3_000_000, End: 10_500_000}
	if s != want {
		t.Fatalf("section %+v, want %+v", s, want)
	}
	// A reversal in a later period lowers that period's "in", not the
	// earlier one's: the March figure stays what was reported in March.
	q1, _ := c.Section(day("2022-01-01"), day("2022-03-31"))
	q2, _ := c.Section(day("2022-04-01"), day("2022-06-30"))
	if q1.In != 8_000_000 || q2.In != -4_500_000 || q1.End != q2.Start {
		t.Fatalf("quarters %+v %+v", q1, q2)
	}
	if err := (Section{Start: 1, In: 2, Out: 1, End: 3}).Check(); !errs.Is(err, errs.Internal) {
		t.Fatalf("an unbalanced section passed: %v", err)
	}
	if _, err := c.Section(day("2022-06-30"), day("2022-01-01")); !errs.Is(err, errs.Validation) {
		t.Fatalf("a backwards period: %v", err)
	}
}

func TestValidate(t *testing.T) {
	l := ledger()
	e3 := l[2]
	e2 := l[1]
	cases := []struct {
		name  string
		e     *Entry
		code  errs.Code
		field string
	}{
		{"a contribution", entry("n", commune, "2022-06-01", In, 1_500_000, "PT05"), "", ""},
		{"the same number as a payment voucher", entry("n", commune, "2022-06-01", Out, 1_500_000, "PT05"), "", ""},
		{"last year's number again this year", entry("n", commune, "2022-12-21", In, 1, "PT12"), "", ""},
		{"a number the commune used, at the branch", entry("n", branch, "2022-06-01", In, 1, "PT03"), "", ""},
		{"a reversal", reversal("n", e2, "2022-06-01"), "", ""},
		{"a payment of the whole balance", entry("n", commune, "2022-06-01", Out, 9_500_000, "PC05"), "", ""},
		{"a payment beyond the balance", entry("n", commune, "2022-06-01", Out, 9_500_001, "PC05"), errs.Validation, "amount"},
		{"a back-dated payment that overdraws a later day", entry("n", commune, "2022-04-03", Out, 10_000_000, "PC05"), errs.Validation, "amount"},
		{"a payment before anything came in", entry("n", commune, "2021-12-19", Out, 1, "PC05"), errs.Validation, "amount"},
		{"a correction that leaves the fund short is still entered", reversal("n", l[0], "2022-06-01"), "", ""},
		{"zero", entry("n", commune, "2022-06-01", In, 0, "PT05"), errs.Validation, "amount"},
		{"negative", entry("n", commune, "2022-06-01", Out, -5, "PC05"), errs.Validation, "amount"},
		{"extra zeros", entry("n", commune, "2022-06-01", In, MaxAmount+1, "PT05"), errs.Validation, "amount"},
		{"no direction", entry("n", commune, "2022-06-01", "", 1, "PT05"), errs.Validation, "direction"},
		{"no date", &Entry{ID: "n", UnitID: "c1", Path: commune, Direction: In, Amount: 1, Party: "x", Receipt: "PT05"}, errs.Validation, "date"},
		{"no receipt", entry("n", commune, "2022-06-01", In, 1, ""), errs.Validation, "receipt"},
		{"a receipt used this year", entry("n", commune, "2022-06-01", In, 1, "PT01"), errs.Validation, "receipt"},
		{"a unit not at the end of its path", &Entry{ID: "n", UnitID: "b1", Path: commune, Date: day("2022-06-01"), Direction: In, Amount: 1, Party: "x", Receipt: "PT09"}, errs.Validation, "unitId"},
		{"a party with a bidi override", &Entry{ID: "n", UnitID: "c1", Path: commune, Date: day("2022-06-01"), Direction: In, Amount: 1, Party: "x\u202ey", Receipt: "PT09"}, errs.Validation, "party"},
		{"a reversal of another amount", func() *Entry { r := reversal("n", e2, "2022-06-01"); r.Amount = 1_000_000; return r }(), errs.Validation, "amount"},
		{"a reversal in the other direction", func() *Entry { r := reversal("n", e2, "2022-06-01"); r.Direction = Out; return r }(), errs.Validation, "direction"},
		{"a reversal before the entry", reversal("n", e2, "2022-01-09"), errs.Validation, "date"},
		{"a reversal without a note", func() *Entry { r := reversal("n", e2, "2022-06-01"); r.Note = ""; return r }(), errs.Validation, "note"},
		{"a reversal of nothing", func() *Entry { r := reversal("n", e2, "2022-06-01"); r.Reverses = "zz"; return r }(), errs.Validation, "reverses"},
		{"a reversal of a reversal", reversal("n", l[4], "2022-06-01"), errs.Validation, "reverses"},
		{"a second reversal", reversal("n", e3, "2022-06-01"), errs.Conflict, ""},
		{"an existing id", entry("e1", commune, "2022-06-01", In, 1, "PT77"), errs.Conflict, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Validate(c.e, l[:6])
			if errs.CodeOf(err) != c.code {
				t.Fatalf("got %v, want %q", err, c.code)
			}
			if c.field != "" && !slices.ContainsFunc(errs.As(err).Fields, func(f errs.FieldError) bool { return f.Field == c.field }) {
				t.Fatalf("fields %v do not name %s", errs.As(err).Fields, c.field)
			}
		})
	}
}

func TestNoOverflow(t *testing.T) {
	// A ledger at the edge of int64: one more entry is refused, and sums
	// that would wrap are errors rather than negative balances.
	big := make([]*Entry, 0, 10)
	for i := range 9 {
		big = append(big, &Entry{ID: string(rune('a' + i)), UnitID: "c1", Path: commune, Date: day("2022-01-01"), Direction: In, Amount: math.MaxInt64 / 10})
	}
	more := entry("z", commune, "2022-01-02", In, MaxAmount, "PT99")
	if err := Validate(more, big); err != nil {
		t.Fatalf("a ledger still far from the edge: %v", err)
	}
	big = append(big, &Entry{ID: "j", UnitID: "c1", Path: commune, Date: day("2022-01-01"), Direction: In, Amount: math.MaxInt64 / 10})
	if err := Validate(more, big); !errs.Is(err, errs.Validation) {
		t.Fatalf("an entry that makes the ledger overflow: %v", err)
	}
	if _, err := UnitOn(append(big, &Entry{Date: day("2022-01-01"), Direction: In, Amount: math.MaxInt64 / 5}), civil.Date{}); err == nil {
		t.Fatal("a day's sum that wraps passed")
	}
	for _, c := range []struct{ a, b int64 }{{math.MaxInt64, 1}, {math.MinInt64, -1}} {
		if _, err := add(c.a, c.b); err == nil {
			t.Errorf("add(%d, %d) passed", c.a, c.b)
		}
	}
	if _, err := sub(0, math.MinInt64); err == nil {
		t.Error("sub(0, MinInt64) passed")
	}
	if got, err := sub(-5, -7); err != nil || got != 2 {
		t.Errorf("sub(-5, -7) = %d, %v", got, err)
	}
}
