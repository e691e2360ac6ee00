package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// canonical writes periods in one order, to compare two reads.
func canonical(ps []rollups.MovedPeriod) string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = fmt.Sprintf("%s %v %v %s %s %s %d %d %v", p.Stint.BranchID, p.Stint.From, p.Stint.To, p.Stint.StartedBy,
			p.Stint.EndedBy, p.Gender, p.BirthYear, p.JoinYear, p.Path)
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// The cache of branch periods answers exactly what a read of member_moves
// answers, through random creates, transfers, leaves, corrections of the
// counted facts (gender, birth date, a period's first day), deletes,
// writes through a second handle on the file (another process, whose
// writes this handle learns of only through the log), and prunes of the
// log past the cache's copies. And it does so mostly by patching: a
// branch is read whole only the first time and after a prune passed it.
func TestBranchPeriodsCacheAnswersWhatIsStored(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), FileName)
	db, err := OpenFile(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	other, err := OpenFile(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	branches := []string{"b1", "b2", "b3"}
	r := rand.New(rand.NewPCG(15, 2026))
	day := func() civil.Date {
		return civil.Date{Year: 2015 + r.IntN(11), Month: time.Month(1 + r.IntN(12)), Day: 1 + r.IntN(28)}
	}
	genders := []members.Gender{members.Female, members.Male, members.Other}
	var ms []*members.Member
	prunes := 0
	check := func(step int, what string) {
		t.Helper()
		for _, b := range branches {
			got, err := db.BranchPeriods(ctx, unitpath.Path{"root", b})
			if err != nil {
				t.Fatal(err)
			}
			want, err := db.branchPeriodsUncached(ctx, b)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := canonical(got), canonical(want); g != w {
				t.Fatalf("step %d (%s), branch %s: cached\n%s\nstored\n%s", step, what, b, g, w)
			}
		}
	}
	check(-1, "empty")
	for step := range 600 {
		w := db
		if r.IntN(3) == 0 {
			w = other
		}
		op := r.IntN(7)
		if len(ms) < 5 {
			op = 0
		}
		var what string
		var m *members.Member
		if op > 0 {
			m = ms[r.IntN(len(ms))]
		}
		save := func(m *members.Member) {
			m.Version++
			if err := w.UpdateMember(ctx, m, &members.Event{MemberID: m.ID, Seq: m.Version, Type: members.Updated, On: day()}); err != nil {
				t.Fatalf("step %d (%s): %v", step, what, err)
			}
		}
		switch op {
		case 0:
			what = "create"
			b := branches[r.IntN(len(branches))]
			joined := day()
			m = &members.Member{ID: fmt.Sprintf("m%04d", step), BranchID: b, Path: unitpath.Path{"root", "p", b},
				FullName: "Nguyễn Thị Lan", Gender: genders[r.IntN(3)], BirthDate: civil.Date{Year: 1940 + r.IntN(60), Month: 1, Day: 1},
				JoinedOn: joined, Status: members.Active, Version: 1,
				Stints: []members.Stint{{BranchID: b, From: joined, StartedBy: members.Joined}}}
			if err := w.CreateMember(ctx, m, &members.Event{MemberID: m.ID, Seq: 1, Type: members.Joined, On: joined}); err != nil {
				t.Fatal(err)
			}
			ms = append(ms, m)
		case 1:
			what = "transfer"
			last := &m.Stints[len(m.Stints)-1]
			if !last.To.IsZero() {
				continue
			}
			to := branches[r.IntN(len(branches))]
			on := last.From.AddDays(1 + r.IntN(300))
			last.To, last.EndedBy = on, members.Transferred
			m.Stints = append(m.Stints, members.Stint{BranchID: to, From: on, StartedBy: members.Transferred})
			m.BranchID, m.Path = to, unitpath.Path{"root", "p", to}
			save(m)
		case 2:
			what = "leave"
			last := &m.Stints[len(m.Stints)-1]
			if !last.To.IsZero() {
				continue
			}
			last.To, last.EndedBy = last.From.AddDays(1+r.IntN(300)), members.LeftEvent
			m.Status, m.LeftOn = members.Left, last.To
			save(m)
		case 3:
			what = "gender corrected"
			m.Gender = genders[r.IntN(3)]
			save(m)
		case 4:
			what = "first day corrected"
			m.Stints[0].From = m.Stints[0].From.AddDays(-r.IntN(30))
			save(m)
		case 5:
			what = "phone (nothing counted)"
			m.Phone = fmt.Sprintf("09%08d", r.IntN(1e8))
			save(m)
		case 6:
			what = "delete"
			if _, err := w.write.ExecContext(ctx, `DELETE FROM members WHERE id = ?`, m.ID); err != nil {
				t.Fatal(err)
			}
			ms = slices.DeleteFunc(ms, func(x *members.Member) bool { return x == m })
		}
		if r.IntN(40) == 0 {
			keep := int64(r.IntN(3))
			what += fmt.Sprintf(", log pruned to its last %d rows", keep)
			prunes++
			if err := w.tx(ctx, func(ctx context.Context, tx *sql.Tx) error { return pruneBranchChangesTo(ctx, tx, keep, 1000) }); err != nil {
				t.Fatal(err)
			}
		}
		check(step, what)
	}
	if prunes == 0 {
		t.Fatal("no prune ran: the test lost its reach")
	}
	// Read whole: each branch once, then at most each once per prune
	// (only when the prune passed its copy).
	if wholes, patches := db.periods.wholes, db.periods.patches; wholes > int64(len(branches)*(1+prunes)) || patches < 100 {
		t.Errorf("%d branches read whole and %d patched, over %d prunes: want the cache to patch", wholes, patches, prunes)
	}
}

// The statements the cache runs read indexes, not tables: a branch whole
// and the members that changed from the covering index, the log by its
// branch index.
func TestBranchPeriodsReadOnlyIndexes(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range []struct {
		query string
		args  []any
		want  []string
	}{
		{branchPeriodsSQL, []any{"b"}, []string{"COVERING INDEX member_moves_branch_member_periods"}},
		{memberPeriodsSQL, []any{"b", "[1,2]"}, []string{"COVERING INDEX member_moves_branch_member_periods (branch_id=? AND member_rowid=?)"}},
		{branchChangesSQL, []any{"b", 0}, []string{"INDEX branch_changes_branch (branch_id=? AND seq>?)"}},
	} {
		all := queryPlan(t, db, c.query, c.args...)
		for _, w := range c.want {
			if !strings.Contains(all, w) {
				t.Errorf("plan of %q:\n%s\nwant %q", c.query, all, w)
			}
		}
		if strings.Contains(all, "SCAN member_moves") || strings.Contains(all, "SCAN branch_changes") {
			t.Errorf("plan of %q scans a table: %s", c.query, all)
		}
	}
}
