package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

func memberNames(ms []*members.Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.FullName
	}
	sort.Strings(out)
	return out
}

// Everyone who ever had a period in a branch, with their periods: a
// member transferred out is still one of the branch's facts.
func testBranchEveryone(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	mustMember(t, s, tr.a, "Nguyễn Văn An", "")
	moved := mustMember(t, s, tr.a, "Trần Thị Bình", "")
	mustMember(t, s, tr.c, "Lê Văn Cường", "")
	on := civil.MustParse("2024-01-15")
	n, ev := next(moved, members.Transferred, func(n *members.Member) {
		n.Stints[0].To, n.Stints[0].EndedBy = on, members.Transferred
		n.Stints = append(n.Stints, members.Stint{BranchID: tr.c.ID, From: on, StartedBy: members.Transferred})
		n.BranchID, n.Path = tr.c.ID, tr.c.Path
	})
	ev.On = on
	if err := storeChange(s, moved, n, ev); err != nil {
		t.Fatal(err)
	}
	a, err := s.BranchEveryone(ctx(), tr.a.Path)
	if err != nil {
		t.Fatal(err)
	}
	if got := memberNames(a); !slices.Equal(got, []string{"Nguyễn Văn An", "Trần Thị Bình"}) {
		t.Fatalf("branch A: %v", got)
	}
	c, _ := s.BranchEveryone(ctx(), tr.c.Path)
	if got := memberNames(c); !slices.Equal(got, []string{"Lê Văn Cường", "Trần Thị Bình"}) {
		t.Fatalf("branch C: %v", got)
	}
	for _, m := range c {
		if m.FullName == "Trần Thị Bình" && (len(m.Stints) != 2 || m.Stints[1].From != on || m.Gender != members.Female || m.BirthDate.IsZero()) {
			t.Fatalf("facts of the moved member: %+v", m)
		}
	}
	if b, _ := s.BranchEveryone(ctx(), tr.b.Path); len(b) != 0 {
		t.Fatalf("branch B: %v", memberNames(b))
	}
	// A store that keeps movements reads a branch's periods without its
	// members' rows (what the settler recounts a branch from): the same
	// periods, with the same counted facts.
	ms, ok := s.(rollups.MovementStore)
	if !ok {
		return
	}
	for _, br := range []*units.Unit{tr.a, tr.b, tr.c} {
		everyone, _ := s.BranchEveryone(ctx(), br.Path)
		want := rollups.PeriodsIn(br.ID, everyone)
		got, err := ms.BranchPeriods(ctx(), br.Path)
		if err != nil {
			t.Fatal(err)
		}
		key := func(p rollups.MovedPeriod) string {
			return fmt.Sprintf("%s %s-%s %s/%s %s %d %d", p.Stint.BranchID, p.Stint.From, p.Stint.To, p.Stint.StartedBy, p.Stint.EndedBy, p.Gender, p.BirthYear, p.JoinYear)
		}
		gk, wk := make([]string, len(got)), make([]string, len(want))
		for i := range got {
			gk[i] = key(got[i])
		}
		for i := range want {
			wk[i] = key(want[i])
		}
		slices.Sort(gk)
		slices.Sort(wk)
		if !slices.Equal(gk, wk) {
			t.Errorf("branch %s periods %v, want %v", br.Code, gk, wk)
		}
	}
	if got, _ := ms.BranchPeriods(ctx(), tr.c.Path); len(got) != 2 {
		t.Errorf("branch C has %d periods, want 2 (one member's and the moved one's second)", len(got))
	}
}

func testCounters(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	counter := func(u string, parent string, path []string, day string, ticket int64, active int) *rollups.Counter {
		return &rollups.Counter{UnitID: u, ParentID: parent, Path: path, Day: day, Ticket: ticket,
			Tally: rollups.Tally{Active: active, ByBirthYear: map[int]int{1960: active}, Terms: map[string]int{"2021-06-01|": 1},
				PostsFrom: map[string]int{"2021-06-01": 2}, PostsTo: map[string]int{"2026-05-31": 1}}}
	}
	take := func(u, day string, path []string) (int64, error) {
		ts, err := s.TakeTickets(ctx(), []rollups.TicketFor{{UnitID: u, Day: day, Path: path}})
		if err != nil {
			return 0, err
		}
		return ts[0], nil
	}
	put := func(c *rollups.Counter) (bool, error) {
		n, err := s.PutCounters(ctx(), []*rollups.Counter{c})
		return n == 1, err
	}
	t1, err1 := take(tr.a.ID, "", tr.a.Path)
	t2, err2 := take(tr.a.ID, "", tr.a.Path)
	other, err3 := take(tr.a.ID, "2025-06-30", tr.a.Path)
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatal(err)
	}
	if t1 < 1 || t2 <= t1 || other < 1 {
		t.Fatalf("tickets %d %d %d", t1, t2, other)
	}
	if _, err := s.GetCounter(ctx(), tr.a.Path, ""); !errs.Is(err, errs.NotFound) {
		t.Fatalf("a ticket alone is not a tally: %v", err)
	}
	if ok, err := put(counter(tr.a.ID, tr.c12436.ID, tr.a.Path, "", t2, 7)); !ok || err != nil {
		t.Fatalf("put newest: %v %v", ok, err)
	}
	if ok, err := put(counter(tr.a.ID, tr.c12436.ID, tr.a.Path, "", t1, 99)); ok || err != nil {
		t.Fatalf("an older ticket must not overwrite: %v %v", ok, err)
	}
	got, err := s.GetCounter(ctx(), tr.a.Path, "")
	if err != nil || got.Tally.Active != 7 || got.Ticket != t2 || got.ParentID != tr.c12436.ID || !slices.Equal(got.Path, tr.a.Path) ||
		got.Tally.ByBirthYear[1960] != 7 || got.Tally.Terms["2021-06-01|"] != 1 ||
		got.Tally.PostsFrom["2021-06-01"] != 2 || got.Tally.PostsTo["2026-05-31"] != 1 {
		t.Fatalf("counter %+v %v", got, err)
	}
	// children of the commune, by day
	tb, _ := take(tr.b.ID, "", tr.b.Path)
	put(counter(tr.b.ID, tr.c12436.ID, tr.b.Path, "", tb, 3))
	put(counter(tr.a.ID, tr.c12436.ID, tr.a.Path, "2025-06-30", other, 5))
	kids, err := s.ChildCounters(ctx(), tr.c12436.Path, "")
	if err != nil || len(kids) != 2 {
		t.Fatalf("live children %v %v", kids, err)
	}
	if kids, _ := s.ChildCounters(ctx(), tr.c12436.Path, "2025-06-30"); len(kids) != 1 || kids[0].Tally.Active != 5 {
		t.Fatalf("children on a day %+v", kids)
	}
	// a repair replaces whatever is stored, and later tickets pass it
	damaged := counter(tr.a.ID, tr.c12436.ID, tr.a.Path, "", 1_000_000, -1)
	if ok, _ := put(damaged); !ok {
		t.Fatal("setting up a damaged counter")
	}
	t3, _ := take(tr.a.ID, "", tr.a.Path)
	if err := s.ReplaceCounter(ctx(), counter(tr.a.ID, tr.c12436.ID, tr.a.Path, "", t3, 8)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetCounter(ctx(), tr.a.Path, ""); got.Tally.Active != 8 {
		t.Fatalf("after replace %+v", got)
	}
	t4, _ := take(tr.a.ID, "", tr.a.Path)
	if ok, _ := put(counter(tr.a.ID, tr.c12436.ID, tr.a.Path, "", t4, 9)); !ok {
		t.Fatal("a ticket taken after a repair must be newer than the repair")
	}
	// dropping a day's tallies in a subtree keeps other days and other subtrees
	tc, _ := take(tr.c.ID, "2025-06-30", tr.c.Path)
	put(counter(tr.c.ID, tr.p33.ID, tr.c.Path, "2025-06-30", tc, 1))
	if err := s.DeleteCounters(ctx(), tr.p34.Path, "2025-06-30"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetCounter(ctx(), tr.a.Path, "2025-06-30"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("not dropped: %v", err)
	}
	if _, err := s.GetCounter(ctx(), tr.a.Path, ""); err != nil {
		t.Fatalf("the live tally was dropped: %v", err)
	}
	if _, err := s.GetCounter(ctx(), tr.c.Path, "2025-06-30"); err != nil {
		t.Fatalf("another province's tally was dropped: %v", err)
	}
	// a recount that took its ticket before the drop cannot store after it
	if ok, _ := put(counter(tr.a.ID, tr.c12436.ID, tr.a.Path, "2025-06-30", other, 5)); ok {
		t.Fatal("a ticket from before the drop stored a tally")
	}
	t5, err := take(tr.a.ID, "2025-06-30", tr.a.Path)
	if err != nil || t5 <= other {
		t.Fatalf("ticket after the drop %d (before %d): %v", t5, other, err)
	}
	if ok, _ := put(counter(tr.a.ID, tr.c12436.ID, tr.a.Path, "2025-06-30", t5, 6)); !ok {
		t.Fatal("a ticket taken after the drop could not store")
	}
	// kept days
	for _, d := range []string{"2025-12-31", "2025-06-30", "2025-12-31"} {
		if err := s.AddSnapshotDay(ctx(), d); err != nil {
			t.Fatal(err)
		}
	}
	if days, err := s.SnapshotDays(ctx()); err != nil || !slices.Equal(days, []string{"2025-06-30", "2025-12-31"}) {
		t.Fatalf("days %v %v", days, err)
	}
	// a level of the tree at once: tickets in the order asked, each fresh
	// for its own unit and day; of the counters put together, those over
	// an older ticket are stored and the one under a newer is not
	before, _ := take(tr.a.ID, "", tr.a.Path)
	ts, err := s.TakeTickets(ctx(), []rollups.TicketFor{
		{UnitID: tr.a.ID, Day: "", Path: tr.a.Path}, {UnitID: tr.b.ID, Day: "", Path: tr.b.Path}, {UnitID: tr.c.ID, Day: "", Path: tr.c.Path}})
	if err != nil || len(ts) != 3 || ts[0] <= before || ts[1] < 1 || ts[2] < 1 {
		t.Fatalf("tickets of a level %v %v (a's before: %d)", ts, err, before)
	}
	n, err := s.PutCounters(ctx(), []*rollups.Counter{
		counter(tr.a.ID, tr.c12436.ID, tr.a.Path, "", ts[0], 11),
		counter(tr.b.ID, tr.c12436.ID, tr.b.Path, "", ts[1], 12),
		counter(tr.c.ID, tr.p33.ID, tr.c.Path, "", 0, 13), // older than any ticket: not stored
	})
	if err != nil || n != 2 {
		t.Fatalf("stored %d of a level (want 2): %v", n, err)
	}
	for u, want := range map[*units.Unit]int{tr.a: 11, tr.b: 12} {
		if got, err := s.GetCounter(ctx(), u.Path, ""); err != nil || got.Tally.Active != want {
			t.Fatalf("%s after a level's put: %+v %v", u.ID, got, err)
		}
	}
	if _, err := s.GetCounter(ctx(), tr.c.Path, ""); !errs.Is(err, errs.NotFound) {
		t.Fatalf("a counter under an older ticket was stored: %v", err)
	}
	// the root's children are the provinces, and its subtree spans them:
	// the national reads (a store keyed by province reads every one)
	for _, u := range []*units.Unit{tr.p34, tr.p33} {
		tp, _ := take(u.ID, "", u.Path)
		put(counter(u.ID, tr.root.ID, u.Path, "", tp, 20))
	}
	if kids, err := s.ChildCounters(ctx(), tr.root.Path, ""); err != nil || len(kids) != 2 || kids[0].ParentID != tr.root.ID {
		t.Fatalf("the provinces' tallies: %+v %v", kids, err)
	}
	ta, _ := take(tr.a.ID, "2025-12-31", tr.a.Path)
	tc2, _ := take(tr.c.ID, "2025-12-31", tr.c.Path)
	put(counter(tr.a.ID, tr.c12436.ID, tr.a.Path, "2025-12-31", ta, 1))
	put(counter(tr.c.ID, tr.p33.ID, tr.c.Path, "2025-12-31", tc2, 1))
	if err := s.DeleteCounters(ctx(), tr.root.Path, "2025-12-31"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*units.Unit{tr.a, tr.c} {
		if _, err := s.GetCounter(ctx(), u.Path, "2025-12-31"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("%s's tally of a day dropped at the root: %v", u.Code, err)
		}
	}
	if _, err := s.GetCounter(ctx(), tr.p33.Path, ""); err != nil {
		t.Fatalf("the live tally was dropped with a day: %v", err)
	}
	// a province created after a national read is in the next one
	p35 := mustChild(t, s, tr.root, units.Province, "35")
	tp, _ := take(p35.ID, "", p35.Path)
	put(counter(p35.ID, tr.root.ID, p35.Path, "", tp, 1))
	if kids, err := s.ChildCounters(ctx(), tr.root.Path, ""); err != nil || len(kids) != 3 {
		t.Fatalf("the provinces' tallies after a new province: %+v %v", kids, err)
	}
}

func testStaleMarks(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	marks, err := s.MarkStale(ctx(), []rollups.Mark{
		{UnitID: tr.a.ID, Path: tr.a.Path, Day: ""},
		{UnitID: tr.a.ID, Path: tr.a.Path, Day: "2025-06-30"},
		{UnitID: tr.c.ID, Path: tr.c.Path, Day: ""},
	})
	if err != nil || len(marks) != 3 || marks[0].Gen < 1 {
		t.Fatalf("marks %+v %v", marks, err)
	}
	again, _ := s.MarkStale(ctx(), []rollups.Mark{{UnitID: tr.a.ID, Path: tr.a.Path, Day: ""}})
	if again[0].Gen <= marks[0].Gen {
		t.Fatalf("marking again must bump the generation: %d then %d", marks[0].Gen, again[0].Gen)
	}
	under := func(unit unitpath.Path, day string) []string {
		ms, err := s.MarksUnder(ctx(), unit, day)
		if err != nil {
			t.Fatal(err)
		}
		if any, err := s.AnyMarkUnder(ctx(), unit, day); err != nil || any != (len(ms) > 0) {
			t.Fatalf("AnyMarkUnder(%s, %q) = %v %v, MarksUnder found %d", unit, day, any, err, len(ms))
		}
		var ids []string
		for _, m := range ms {
			ids = append(ids, m.UnitID)
		}
		sort.Strings(ids)
		return ids
	}
	if got := under(tr.p34.Path, ""); !slices.Equal(got, []string{tr.a.ID}) {
		t.Fatalf("marks under the province: %v", got)
	}
	if got := under(tr.root.Path, ""); len(got) != 2 {
		t.Fatalf("marks under the root: %v", got)
	}
	if got := under(tr.a.Path, "2025-06-30"); !slices.Equal(got, []string{tr.a.ID}) {
		t.Fatalf("marks of the unit itself on a day: %v", got)
	}
	if got := under(tr.b.Path, ""); len(got) != 0 {
		t.Fatalf("marks under branch B: %v", got)
	}
	// clearing at an old generation leaves a newer mark in place
	if err := s.ClearMarks(ctx(), []rollups.Mark{marks[0]}); err != nil {
		t.Fatal(err)
	}
	if got := under(tr.a.Path, ""); len(got) != 1 {
		t.Fatal("a newer mark was cleared")
	}
	if err := s.ClearMarks(ctx(), []rollups.Mark{again[0]}); err != nil {
		t.Fatal(err)
	}
	if got := under(tr.a.Path, ""); len(got) != 0 {
		t.Fatal("the mark was not cleared")
	}
	// marks are per change: clearing one change's mark leaves another's
	// on the same unit and day, and a mark says whether its change is
	// stored
	mine, err := s.MarkStale(ctx(), []rollups.Mark{{UnitID: tr.a.ID, Path: tr.a.Path, Day: "", Change: "c1", Stored: true}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkStale(ctx(), []rollups.Mark{{UnitID: tr.a.ID, Path: tr.a.Path, Day: "", Change: "c2"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.ClearMarks(ctx(), []rollups.Mark{mine[0]}); err != nil {
		t.Fatal(err)
	}
	left, err := s.MarksUnder(ctx(), tr.a.Path, "")
	if err != nil || len(left) != 1 || left[0].Change != "c2" || left[0].Stored {
		t.Fatalf("after clearing change c1's mark: %+v %v", left, err)
	}
	// marking again (after the change is stored) bumps that change's
	// generation, so a clear at the first one leaves the mark
	stored, _ := s.MarkStale(ctx(), []rollups.Mark{{UnitID: tr.a.ID, Path: tr.a.Path, Day: "", Change: "c2", Stored: true}})
	if err := s.ClearMarks(ctx(), []rollups.Mark{left[0]}); err != nil {
		t.Fatal(err)
	}
	if ms, _ := s.MarksUnder(ctx(), tr.a.Path, ""); len(ms) != 1 || !ms[0].Stored || ms[0].Gen != stored[0].Gen {
		t.Fatalf("an old generation cleared a new mark: %+v", ms)
	}
}

// testManyMarksAtOnce marks a unit on many days, one of them twice, in one
// call (a change dated years back, every kept month end): every mark is
// recorded with a generation it can be cleared at.
func testManyMarksAtOnce(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	var in []rollups.Mark
	for i := range 130 { // ten years of month ends and more
		in = append(in, rollups.Mark{UnitID: tr.a.ID, Path: tr.a.Path, Day: fmt.Sprintf("day-%04d", i)})
	}
	in = append(in, rollups.Mark{UnitID: tr.a.ID, Path: tr.a.Path, Day: "day-0007"})
	out, err := s.MarkStale(ctx(), in)
	if err != nil || len(out) != len(in) {
		t.Fatalf("marked %d of %d: %v", len(out), len(in), err)
	}
	if out[7].Gen != out[len(out)-1].Gen {
		t.Fatalf("a day marked twice in one call has two generations: %d and %d", out[7].Gen, out[len(out)-1].Gen)
	}
	for i, m := range out {
		if m.Gen == 0 || m.Day != in[i].Day {
			t.Fatalf("mark %d came back as %+v", i, m)
		}
		if i%13 != 7 { // a sample of the days: a query each
			continue
		}
		if ms, err := s.MarksUnder(ctx(), tr.p34.Path, m.Day); err != nil || len(ms) != 1 || ms[0].Gen != m.Gen {
			t.Fatalf("pending on %s: %+v %v", m.Day, ms, err)
		}
		if err := s.ClearMarks(ctx(), []rollups.Mark{m}); err != nil {
			t.Fatal(err)
		}
		if ms, _ := s.MarksUnder(ctx(), tr.p34.Path, m.Day); len(ms) != 0 {
			t.Fatalf("%s still pending after its clear", m.Day)
		}
	}
}

// testOnwardMarks marks a unit once for a change dated 2025-06-30 and once
// for a correction (every day): the first is found for today and every
// day from its own on, not before; the second for every day; each is
// cleared everywhere at once, and a unit outside the subtree sees none.
func testOnwardMarks(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	out, err := s.MarkStale(ctx(), []rollups.Mark{
		{UnitID: tr.a.ID, Path: tr.a.Path, Onward: true, From: "2025-06-30", Change: "dated", Stored: true},
		{UnitID: tr.a.ID, Path: tr.a.Path, Onward: true, From: "", Change: "correction", Stored: true},
	})
	if err != nil || len(out) != 2 || out[0].Gen == 0 || out[1].Gen == 0 {
		t.Fatalf("marked %+v %v", out, err)
	}
	changes := func(unit unitpath.Path, day string) []string {
		t.Helper()
		ms, err := s.MarksUnder(ctx(), unit, day)
		if err != nil {
			t.Fatal(err)
		}
		if any, err := s.AnyMarkUnder(ctx(), unit, day); err != nil || any != (len(ms) > 0) {
			t.Fatalf("AnyMarkUnder(%s, %q) = %v %v, MarksUnder found %d", unit, day, any, err, len(ms))
		}
		var cs []string
		for _, m := range ms {
			if !m.Onward || m.Day != "" || m.UnitID != tr.a.ID || !slices.Equal(m.Path, tr.a.Path) {
				t.Fatalf("on %q came back as %+v", day, m)
			}
			cs = append(cs, m.Change+"@"+m.From)
		}
		slices.Sort(cs)
		return cs
	}
	both := []string{"correction@", "dated@2025-06-30"}
	for day, want := range map[string][]string{"": both, "2025-06-30": both, "2025-12-31": both, "2025-05-31": {"correction@"}} {
		if got := changes(tr.p34.Path, day); !slices.Equal(got, want) {
			t.Errorf("marks under the province on %q: %v, want %v", day, got, want)
		}
	}
	if got := changes(tr.c.Path, ""); len(got) != 0 {
		t.Errorf("marks under another subtree: %v", got)
	}
	if err := s.ClearMarks(ctx(), []rollups.Mark{out[0]}); err != nil {
		t.Fatal(err)
	}
	for _, day := range []string{"", "2025-06-30", "2025-12-31"} {
		if got := changes(tr.p34.Path, day); !slices.Equal(got, []string{"correction@"}) {
			t.Errorf("after clearing the dated mark, on %q: %v", day, got)
		}
	}
}
