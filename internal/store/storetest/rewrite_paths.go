package storetest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// rewriteFixture is the tree of mustTree with a record of every kind that
// carries a path, inside the district 336 (which moves from province 34 to
// province 33) and outside it (which must not change).
type rewriteFixture struct {
	tr      tree
	members []*members.Member
	users   []*access.User
}

func mustRewriteFixture(t *testing.T, s Store) rewriteFixture {
	t.Helper()
	f := rewriteFixture{tr: mustTree(t, s)}
	tr := f.tr
	for i, b := range []*units.Unit{tr.a, tr.a, tr.a, tr.b, tr.b, tr.c, tr.a} {
		f.members = append(f.members, mustMember(t, s, b, fmt.Sprintf("Nguyễn Thị Hoa %c", 'A'+i), ""))
	}
	f.users = []*access.User{
		mustUser(t, s, newUser("a.viewer", grant(access.Viewer, tr.a))),
		mustUser(t, s, newUser("both", grant(access.Manager, tr.d336), grant(access.Viewer, tr.p33))),
		mustUser(t, s, newUser("p34.manager", grant(access.Manager, tr.p34))),
		mustUser(t, s, newUser("c.viewer", grant(access.Viewer, tr.c))),
	}
	for _, u := range []*units.Unit{tr.c12436, tr.p34} {
		if err := s.SaveBoard(ctx(), &officers.Board{UnitID: u.ID, Path: u.Path, Version: 1}); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []*units.Unit{tr.a, tr.c12436, tr.d336, tr.p34} {
		for _, day := range []string{"", "2025-06-30"} {
			tickets, err := s.TakeTickets(ctx(), []rollups.TicketFor{{UnitID: u.ID, Day: day, Path: u.Path}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.PutCounters(ctx(), []*rollups.Counter{{UnitID: u.ID, ParentID: u.ParentID, Path: u.Path, Day: day, Ticket: tickets[0],
				Tally: rollups.Tally{Active: 1}}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := s.MarkStale(ctx(), []rollups.Mark{{UnitID: tr.a.ID, Path: tr.a.Path, Change: "c1"},
		{UnitID: tr.d336.ID, Path: tr.d336.Path, Change: "c1"}, {UnitID: tr.c.ID, Path: tr.c.Path, Change: "c1"}}); err != nil {
		t.Fatal(err)
	}
	return f
}

// snapshot is every stored path of the fixture, ids written as unit codes
// and member names, so that two stores' rewrites compare as text.
func (f rewriteFixture) snapshot(t *testing.T, s Store) string {
	t.Helper()
	tr := f.tr
	all := []*units.Unit{tr.root, tr.p34, tr.d336, tr.c12436, tr.a, tr.b, tr.p33, tr.c}
	var pairs []string
	for _, u := range all {
		pairs = append(pairs, u.ID, u.Code)
	}
	named := strings.NewReplacer(pairs...)
	path := func(p unitpath.Path) string { return named.Replace(strings.Join(p, "/")) }
	var out []string
	for _, u := range all {
		got, err := s.GetUnit(ctx(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("unit %s: %s v%d", u.Code, path(got.Path), got.Version))
		for _, day := range []string{"", "2025-06-30"} {
			if c, err := s.GetCounter(ctx(), got.Path, day); err == nil {
				out = append(out, fmt.Sprintf("counter %s %q: %s", u.Code, day, path(c.Path)))
			}
		}
		if b, err := s.GetBoard(ctx(), u.ID); err == nil && b.Version > 0 {
			out = append(out, fmt.Sprintf("board %s: %s v%d", u.Code, path(b.Path), b.Version))
		}
	}
	for _, m := range f.members {
		got, err := s.GetMember(ctx(), m.ID, members.Everywhere)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("member %s: %s v%d", m.FullName, path(got.Path), got.Version))
	}
	for _, u := range f.users {
		got, err := s.GetUser(ctx(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range got.Grants {
			out = append(out, fmt.Sprintf("user %s %s: %s v%d", u.Username, g.Role, path(g.Path), got.Version))
		}
	}
	marks, err := s.MarksUnder(ctx(), tr.root.Path, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range marks {
		out = append(out, fmt.Sprintf("mark %s: %s", named.Replace(m.UnitID), path(m.Path)))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// rewriteAll runs RewritePaths from after to the end, limit records a call.
func rewriteAll(t *testing.T, s Store, from, to unitpath.Path, after string, limit int) {
	t.Helper()
	for i := 0; ; i++ {
		next, err := s.RewritePaths(ctx(), from, to, after, limit)
		if err != nil {
			t.Fatalf("rewrite after %q: %v", after, err)
		}
		if next == "" {
			return
		}
		if i > 1000 {
			t.Fatalf("the rewrite does not end (at %q)", next)
		}
		after = next
	}
}

func testRewritePaths(t *testing.T, open Opener) {
	// The district 336 moves from province 34 to province 33.
	move := func(tr tree) (from, to unitpath.Path) { return tr.d336.Path, tr.p33.Path.Child(tr.d336.ID) }

	s := open(t)
	f := mustRewriteFixture(t, s)
	tr := f.tr
	before := f.snapshot(t, s)
	from, to := move(tr)
	rewriteAll(t, s, from, to, "", 0)
	want := f.snapshot(t, s)

	t.Run("every record kind follows, nothing else changes", func(t *testing.T) {
		for _, line := range strings.Split(want, "\n") {
			if strings.Contains(line, "34/336") {
				t.Errorf("left behind: %s", line)
			}
		}
		for _, moved := range []string{
			"unit 336: VN/33/336 v2", "unit A: VN/33/336/12436/A v2", "counter 12436 \"2025-06-30\": VN/33/336/12436",
			"board 12436: VN/33/336/12436 v2", "member Nguyễn Thị Hoa A: VN/33/336/12436/A v2",
			"user a.viewer viewer: VN/33/336/12436/A v2", "user both manager: VN/33/336 v2", "user both viewer: VN/33 v2",
			"mark A: VN/33/336/12436/A", "mark 336: VN/33/336",
			// outside the subtree
			"unit 34: VN/34 v1", "board 34: VN/34 v1", "counter 34 \"\": VN/34", "member Nguyễn Thị Hoa F: VN/33/C v1",
			"user p34.manager manager: VN/34 v1", "user c.viewer viewer: VN/33/C v1", "mark C: VN/33/C",
		} {
			if !strings.Contains(want+"\n", moved+"\n") {
				t.Errorf("missing %q in\n%s", moved, want)
			}
		}
		if want == before {
			t.Fatal("nothing was rewritten")
		}
	})

	t.Run("lookups by a unit find the moved records under their new ancestors only", func(t *testing.T) {
		list := func(unit string, words []string) int {
			u, err := s.GetUnit(ctx(), unit) // its path as it stands after the move
			if err != nil {
				t.Fatal(err)
			}
			res, err := s.ListMembers(ctx(), members.Query{Path: u.Path, Words: words, Page: page.Request{Limit: 50}})
			if err != nil {
				t.Fatal(err)
			}
			return len(res.Items)
		}
		if n := list(tr.p33.ID, nil); n != 7 {
			t.Errorf("members under 33: %d, want 7", n)
		}
		if n := list(tr.p34.ID, nil); n != 0 {
			t.Errorf("members under 34: %d, want 0", n)
		}
		if n := list(tr.p33.ID, members.SearchWords("thi hoa")); n != 7 {
			t.Errorf("search under 33: %d, want 7", n)
		}
		if n := list(tr.p34.ID, members.SearchWords("thi hoa")); n != 0 {
			t.Errorf("search under 34: %d, want 0", n)
		}
		if n := list(tr.d336.ID, members.SearchWords("hoa")); n != 6 {
			t.Errorf("search under 336: %d, want 6", n)
		}
		users, err := s.ListUsers(ctx(), []string{tr.p34.ID}, page.Request{Limit: 50})
		if err != nil || !slices.Equal(usernames(users.Items), []string{"p34.manager"}) {
			t.Errorf("users under 34: %v %v", usernames(users.Items), err)
		}
		if marks, err := s.MarksUnder(ctx(), tr.p34.Path, ""); err != nil || len(marks) != 0 {
			t.Errorf("marks under 34: %+v %v", marks, err)
		}
		if marks, err := s.MarksUnder(ctx(), tr.p33.Path, ""); err != nil || len(marks) != 3 {
			t.Errorf("marks under 33: %+v %v", marks, err)
		}
	})

	t.Run("a write prepared before the rewrite fails rather than put the old path back", func(t *testing.T) {
		stale, ev := next(f.members[0], members.Updated, func(m *members.Member) { m.Phone = "0987654321" })
		if err := s.UpdateMember(ctx(), stale, ev); !errs.Is(err, errs.VersionMismatch) {
			t.Fatalf("stale update: %v, want version_mismatch", err)
		}
	})

	t.Run("interrupted and resumed from its cursor ends the same", func(t *testing.T) {
		s := open(t)
		f := mustRewriteFixture(t, s)
		from, to := move(f.tr)
		after := ""
		for range 4 { // stop part-way, one kind or another half done
			next, err := s.RewritePaths(ctx(), from, to, after, 2)
			if err != nil || next == "" {
				t.Fatalf("step: %q %v", next, err)
			}
			after = next
		}
		rewriteAll(t, s, from, to, after, 3)
		if got := f.snapshot(t, s); got != want {
			t.Fatalf("resumed:\n%s\nuninterrupted:\n%s", got, want)
		}
	})

	t.Run("interrupted and started over ends the same", func(t *testing.T) {
		s := open(t)
		f := mustRewriteFixture(t, s)
		from, to := move(f.tr)
		after := ""
		for range 9 {
			next, err := s.RewritePaths(ctx(), from, to, after, 2)
			if err != nil || next == "" {
				t.Fatalf("step: %q %v", next, err)
			}
			after = next
		}
		rewriteAll(t, s, from, to, "", 0) // the cursor was lost
		rewriteAll(t, s, from, to, "", 0) // and once more: nothing left to do
		if got := f.snapshot(t, s); got != want {
			t.Fatalf("started over:\n%s\nuninterrupted:\n%s", got, want)
		}
	})

	t.Run("a move below itself is refused and changes nothing", func(t *testing.T) {
		s := open(t)
		f := mustRewriteFixture(t, s)
		before := f.snapshot(t, s)
		tr := f.tr
		if _, err := s.RewritePaths(ctx(), tr.d336.Path, tr.c12436.Path.Child(tr.d336.ID), "", 0); !errs.Is(err, errs.Validation) {
			t.Fatalf("below itself: %v", err)
		}
		if _, err := s.RewritePaths(ctx(), tr.d336.Path, tr.p33.Path, "", 0); !errs.Is(err, errs.Validation) {
			t.Fatalf("to another unit's path: %v", err)
		}
		if got := f.snapshot(t, s); got != before {
			t.Fatalf("changed:\n%s", got)
		}
	})
}
