package httpapi_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
)

// Issue 15.3: a past day that is not kept is answered from the kept month
// end before it plus the movements since, with the same figures as
// counting every period, and without a past-day computation.
func TestPastDayFromMonthEndAndMovements(t *testing.T) {
	r := newRoll(t)
	ms := r.history(t)
	settled := func() {
		t.Helper()
		if err := r.e.app.Rollups.WaitSettled(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	settled()
	var work atomic.Int64
	r.e.app.Rollups.OnPastDayWork(func(string, string) { work.Add(1) })
	// Days on and around every movement of the history (transfers on
	// 2024-01-15 and 2024-06-01, a leave on 2025-03-01), and plain ones.
	days := []string{"2020-03-08", "2024-01-14", "2024-02-20", "2024-01-15", "2024-01-20", "2024-06-01", "2024-06-15", "2024-07-15", "2025-03-01", "2025-03-10"}
	units := []string{r.prov.ID, r.comm.ID, r.a.ID, r.b.ID}
	var added string // a branch created below, after the days asked for
	answer := func(unitID, day string) string {
		b := r.rollup(r.e.admin, unitID, day)
		out := fmt.Sprint(b.Totals)
		for _, c := range b.Children {
			if c.UnitID != added {
				out += fmt.Sprint(c)
			}
		}
		return out
	}
	// Counted from every period (no month end is kept yet).
	counted := map[string]string{}
	for _, d := range days {
		for _, u := range units {
			counted[u+d] = answer(u, d)
		}
	}
	if work.Load() == 0 {
		t.Fatal("no past day was counted from periods: the comparison below proves nothing")
	}
	// Keep the month ends around those days (kept when first asked for):
	// a day is answered from the nearer one, going forward or back.
	for _, d := range days {
		first := civil.Date{Year: civil.MustParse(d).Year, Month: civil.MustParse(d).Month, Day: 1}
		for _, e := range []civil.Date{first.AddDays(-1), civil.Date{Year: first.AddDays(40).Year, Month: first.AddDays(40).Month, Day: 1}.AddDays(-1)} {
			for _, u := range units {
				r.rollup(r.e.admin, u, e.String())
			}
		}
	}
	// A new branch is a new version of the facts below the province: a
	// remembered answer cannot serve the days below, nor change them.
	added = r.e.mustUnit(r.comm.ID, "branch", "NEW").ID
	settled()
	before := work.Load()
	for _, d := range days {
		for _, u := range units {
			if got := answer(u, d); got != counted[u+d] {
				t.Errorf("%s on %s from movements:\n %s\nwant (counted from periods)\n %s", u, d, got, counted[u+d])
			}
		}
	}
	if n := work.Load() - before; n != 0 {
		t.Errorf("%d past-day computations for days next to kept month ends, want 0", n)
	}
	// A back-dated leave corrects the kept month end and the movements.
	r.e.expect(r.e.do("POST", "/api/v1/members/"+ms["m2"].ID+"/leave", r.e.admin, map[string]any{"status": "left", "on": "2024-02-25"}), 200)
	settled()
	for _, c := range []struct {
		unit, day string
		active    int
	}{{r.prov.ID, "2024-01-20", 3}, {r.prov.ID, "2024-07-15", 1}, {r.b.ID, "2024-01-20", 2}, {r.b.ID, "2024-06-15", 0}, {r.prov.ID, "2025-03-10", 0},
		{r.b.ID, "2024-02-20", 2}, {r.b.ID, "2024-02-27", 1}} { // the last two: back from 2024-02-29 across the leave
		if got := r.active(c.unit, c.day); got != c.active {
			t.Errorf("after a back-dated leave: %d active in %s on %s, want %d", got, c.unit, c.day, c.active)
		}
	}
	if got := r.rollup(r.e.admin, r.prov.ID, "2024-07-15").Totals.Left; got != 1 {
		t.Errorf("after a back-dated leave: %d left on 2024-07-15, want 1", got)
	}
	// A corrected birth date moves the member's period between age bands
	// on every day, the kept month end's and the movements' alike.
	r.e.expect(r.e.do("PATCH", "/api/v1/members/"+ms["m2"].ID, r.e.admin, map[string]any{"birthDate": "1950-01-01"}), 200)
	settled()
	if got := r.rollup(r.e.admin, r.b.ID, "2024-01-20").Totals.AgeBands; got["60to74"] != 1 || got["30to44"] != 1 {
		t.Errorf("after a corrected birth date: age bands %v in branch B on 2024-01-20, want one 60to74 and one 30to44", got)
	}
	if n := work.Load() - before; n != 0 {
		t.Errorf("%d past-day computations after the changes, want 0", n)
	}
}
