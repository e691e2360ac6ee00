package servicetest

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/demo"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/units"
	"github.com/sohoi/sohoi/internal/units/vnadmin"
)

// ReformSpec sizes the reform scenario: the whole of Thái Bình (34) and
// Hưng Yên (33) on the embedded store, a slice of them where a store
// without indexes would take minutes (FerretDB v1).
type ReformSpec struct {
	// Districts and Communes keep the first so many districts of each
	// province and communes of each district (0: all), and the plan's new
	// communes that absorb any of them.
	Districts, Communes int
	Members             int // demo members per province
}

// loader stores demo members as the store loads them in bulk: the
// embedded store's load path, or any store's batch create.
func (s *Services) loader() demo.Loader {
	if s.DB != nil {
		return s.DB
	}
	return batchLoader{s.Store}
}

type batchLoader struct{ store members.Store }

func (b batchLoader) LoadMembers(ctx context.Context, ms []*members.Member, evs []*members.Event) error {
	return b.store.CreateMembers(ctx, ms, evs)
}

// slice keeps the first districts and communes of a province.
func slice(areas []units.AdminArea, spec ReformSpec) []units.AdminArea {
	keep := func(as []units.AdminArea, n int) []units.AdminArea {
		if n > 0 && len(as) > n {
			return as[:n]
		}
		return as
	}
	out := make([]units.AdminArea, len(areas))
	for i, p := range areas {
		p.Children = keep(p.Children, spec.Districts)
		ds := make([]units.AdminArea, len(p.Children))
		for j, d := range p.Children {
			d.Children = keep(d.Children, spec.Communes)
			ds[j] = d
		}
		p.Children = ds
		out[i] = p
	}
	return out
}

// ReformScenario is issue 18's reform on real data: Thái Bình (34) and
// Hưng Yên (33) seeded from the 2025-03 tree with demo branches and
// members (and a join and a leave in June 2025), June 2025 kept as month
// ends are, then the 2025-07 plan for the new Hưng Yên applied today.
// Members are neither lost nor doubled (active before = active in the
// new communes + those in branches waiting for assignment); the rollup as
// of 2025-06-30 still gives old Thái Bình by its old districts, and so
// does one as of 2025-06-17 (not a month end: the June 30 figures less
// the join, with the leaver still active); today's gives the new Hưng
// Yên; with the assignments nothing waits, old Thái Bình is closed into
// Hưng Yên, and a period from 2025-01-01 to today balances for both
// provinces and every child, the members the reform moved showing as
// restructured, not as joins, leaves or transfers.
func ReformScenario(t *testing.T, s *Services, spec ReformSpec) {
	ctx := context.Background()
	sys := Sys
	last := time.Now()
	lap := func(what string) { // where the time goes, on a slow store
		t.Logf("%s: %s", what, time.Since(last).Round(time.Millisecond))
		last = time.Now()
	}
	root, err := s.Units.Root(ctx, sys)
	if err != nil {
		t.Fatal(err)
	}
	seeded := map[string]*units.Unit{}
	oldCommunes := map[string]bool{}
	var branches []*units.Unit // Thái Bình's
	for i, code := range []string{"34", "33"} {
		r, err := vnadmin.Open(vnadmin.Before2025Reform)
		if err != nil {
			t.Fatal(err)
		}
		areas, err := units.ParseAdminAreas(r, code)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		areas = slice(areas, spec)
		for _, p := range areas {
			for _, d := range p.Children {
				oldCommunes[d.Code] = true
				for _, c := range d.Children {
					oldCommunes[c.Code] = true
				}
			}
		}
		if _, err := s.Units.Seed(ctx, sys, root, areas, nil); err != nil {
			t.Fatal(err)
		}
		if seeded[code], err = s.Units.ChildByCode(ctx, sys, root.ID, code); err != nil {
			t.Fatal(err)
		}
		roll, err := demo.SeedRoll(ctx, s.Units, s.loader(), demo.RollSpec{Top: seeded[code], BranchesPerCommune: 1, Members: spec.Members,
			Batch: 500, FirstSerial: i * spec.Members, Seed: uint64(i + 1), Now: time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC), Counts: s.Rollups})
		if err != nil {
			t.Fatal(err)
		}
		if code == "34" {
			branches = roll.Branches
		}
		if _, err := s.Rollups.Reconcile(ctx, sys, seeded[code]); err != nil { // the batches left their branches marked
			t.Fatal(err)
		}
	}
	lap("seeded")
	// June 2025's movements in two of Thái Bình's districts: one joins on
	// the 20th, one who joined in 2020 leaves on the 25th.
	joinedIn, leftIn := branches[0], branches[len(branches)-1]
	if joinedIn.Path[2] == leftIn.Path[2] {
		t.Fatalf("the first and last branches of Thái Bình share a district")
	}
	june := civil.Date{Year: 2025, Month: 6, Day: 30}
	member := func(branch *units.Unit, name string, joined civil.Date) *members.Member {
		m, err := s.Members.Create(ctx, sys, branch.ID, members.Input{FullName: name, Gender: members.Female,
			BirthDate: civil.Date{Year: 1990, Month: 3, Day: 8}, JoinedOn: joined})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	member(joinedIn, "Trần Thị Mới", civil.Date{Year: 2025, Month: 6, Day: 20})
	leaver := member(leftIn, "Phạm Văn Đi", civil.Date{Year: 2020, Month: 1, Day: 15})
	if _, err := s.Members.Leave(ctx, sys, leaver.ID, members.Left, civil.Date{Year: 2025, Month: 6, Day: 25}, "chuyển nơi ở"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Rollups.CloseMonth(ctx, sys, root, june); err != nil {
		t.Fatal(err)
	}
	lap("June's join and leave, June kept")
	today := civil.Today(s.Now())
	before := active(t, s, root.ID, today)
	oldThaiBinh := byCode(t, s, seeded["34"].ID, june)
	if before == 0 || len(oldThaiBinh) < 2 {
		t.Fatalf("seeded %d active members, Thái Bình's districts %v", before, oldThaiBinh)
	}
	// Old Thái Bình on the 17th: June 30 less the join, with the leaver.
	codeOf := func(id string) string {
		u, err := s.Units.Get(ctx, sys, id)
		if err != nil {
			t.Fatal(err)
		}
		return u.Code
	}
	june17 := civil.Date{Year: 2025, Month: 6, Day: 17}
	onThe17th := maps.Clone(oldThaiBinh)
	jd, ld := codeOf(joinedIn.Path[2]), codeOf(leftIn.Path[2])
	onThe17th[jd] = [2]int{onThe17th[jd][0] - 1, onThe17th[jd][1] - 1}
	onThe17th[ld] = [2]int{onThe17th[ld][0] + 1, onThe17th[ld][1]}
	if got := byCode(t, s, seeded["34"].ID, june17); !maps.Equal(got, onThe17th) {
		t.Fatalf("before the reform, Thái Bình as of 2025-06-17: %v, want %v", got, onThe17th)
	}
	firstHalf := map[string]*rollups.Period{}
	for code, u := range seeded {
		if firstHalf[code], err = s.Rollups.PeriodReport(ctx, sys, u.ID, civil.Date{Year: 2025, Month: 1, Day: 1}, june); err != nil {
			t.Fatal(err)
		}
	}

	lap("2025-06-17 and the first half")
	plan := func() []units.ReformArea {
		r, err := vnadmin.Open(vnadmin.After2025Reform)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		p, err := units.ParseReform(r, "33")
		if err != nil {
			t.Fatal(err)
		}
		var kept []units.ReformArea // the new communes that absorb a seeded one
		for _, nc := range p[0].Children {
			for _, src := range nc.Sources {
				if oldCommunes[src.Code] {
					kept = append(kept, nc)
					break
				}
			}
		}
		p[0].Children = kept
		return p
	}()

	t.Run("the dry run changes nothing", func(t *testing.T) {
		changes, err := s.Units.Restructure(ctx, sys, plan, nil, true)
		if err != nil {
			t.Fatal(err)
		}
		ch := changes[0]
		if ch.CreatedCommunes != len(plan[0].Children) || ch.MovedBranches == 0 || ch.ClosedCommunes == 0 {
			t.Fatalf("dry run: %+v", ch)
		}
		if _, err := s.Units.ChildByCode(ctx, sys, seeded["33"].ID, plan[0].Children[0].Code); !errs.Is(err, errs.NotFound) {
			t.Fatalf("the dry run created a commune: %v", err)
		}
		if got := byCode(t, s, seeded["34"].ID, today); len(got) != len(oldThaiBinh) {
			t.Fatalf("the dry run changed Thái Bình: %v", got)
		}
	})

	changes, err := s.Units.Restructure(ctx, sys, plan, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	ch := changes[0]
	lap("the plan applied")
	t.Logf("applied: %d communes created, %d branches moved (%d recoded), %d waiting, closed %d communes, %d districts, %d provinces",
		ch.CreatedCommunes, ch.MovedBranches, len(ch.Recoded), len(ch.Waiting), ch.ClosedCommunes, ch.ClosedDistricts, ch.ClosedProvinces)
	newCommunes := func() (sum int) {
		for _, nc := range plan[0].Children {
			u, err := s.Units.ChildByCode(ctx, sys, seeded["33"].ID, nc.Code)
			if err != nil {
				t.Fatalf("new commune %s: %v", nc.Code, err)
			}
			sum += active(t, s, u.ID, today)
		}
		return sum
	}
	waiting := 0
	for _, w := range ch.Waiting {
		waiting += active(t, s, w.BranchID, today)
	}
	if after := newCommunes(); after+waiting != before || after == 0 {
		t.Fatalf("active before %d, in the new communes %d, waiting %d", before, after, waiting)
	}
	if got := active(t, s, root.ID, today); got != before {
		t.Fatalf("active members of the country %d, before %d", got, before)
	}
	t.Run("June 2025 keeps old Thái Bình's shape", func(t *testing.T) {
		if got := byCode(t, s, seeded["34"].ID, june); !maps.Equal(got, oldThaiBinh) {
			t.Fatalf("districts as of 2025-06-30: %v, want %v", got, oldThaiBinh)
		}
	})
	t.Run("a day before the reform that is not a month end is in the tree as it was", func(t *testing.T) {
		if got := byCode(t, s, seeded["34"].ID, june17); !maps.Equal(got, onThe17th) {
			t.Fatalf("districts as of 2025-06-17: %v, want %v", got, onThe17th)
		}
	})
	t.Run("today's Hưng Yên is the new one", func(t *testing.T) {
		got := byCode(t, s, seeded["33"].ID, today)
		sum := 0
		for _, nc := range plan[0].Children {
			sum += got[nc.Code][0]
		}
		if sum != newCommunes() || sum == 0 {
			t.Fatalf("the new communes of Hưng Yên count %d", sum)
		}
	})
	t.Run("assigned, nothing waits and old Thái Bình closes into Hưng Yên", func(t *testing.T) {
		assign := map[string]string{}
		for _, w := range ch.Waiting {
			assign[w.BranchID] = w.Candidates[len(w.Candidates)-1]
		}
		changes, err := s.Units.Restructure(ctx, sys, plan, assign, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(changes[0].Waiting) != 0 || changes[0].MovedBranches != len(ch.Waiting) {
			t.Fatalf("second run: %+v", changes[0])
		}
		if after := newCommunes(); after != before {
			t.Fatalf("active in the new communes %d, before %d", after, before)
		}
		tb, err := s.Units.Get(ctx, sys, seeded["34"].ID)
		if err != nil || tb.Status != units.Closed || tb.MergedInto != seeded["33"].ID {
			t.Fatalf("old Thái Bình: %+v, %v", tb, err)
		}
		if got := byCode(t, s, seeded["34"].ID, june); !maps.Equal(got, oldThaiBinh) {
			t.Fatalf("closed Thái Bình as of 2025-06-30: %v", got)
		}
		again, err := s.Units.Restructure(ctx, sys, plan, assign, false)
		if err != nil || again[0].MovedBranches != 0 || again[0].CreatedCommunes != 0 {
			t.Fatalf("a third run changed something: %+v, %v", again, err)
		}
	})
	t.Run("a period spanning the reform balances and shows what it moved", func(t *testing.T) {
		from := civil.Date{Year: 2025, Month: 1, Day: 1}
		report := func(code string) *rollups.Period {
			p, err := s.Rollups.PeriodReport(ctx, sys, seeded[code].ID, from, today)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range append([]rollups.PeriodRow{p.Total}, p.Children...) {
				if !r.Balanced() {
					t.Errorf("%s: row %s %s does not balance: %+v", code, r.Unit.Code, r.Unit.Name, r)
				}
			}
			return p
		}
		tb, hy := report("34"), report("33")
		tbHalf, hyHalf := firstHalf["34"].Total, firstHalf["33"].Total
		t.Logf("old Thái Bình %s–%s: start %d, joined %d, left %d, restructured out %d, end %d", from, today,
			tb.Total.ActiveStart, tb.Total.Joined, tb.Total.Left, tb.Total.RestructuredOut, tb.Total.ActiveEnd)
		t.Logf("Hưng Yên %s–%s: start %d, joined %d, left %d, restructured in %d, end %d", from, today,
			hy.Total.ActiveStart, hy.Total.Joined, hy.Total.Left, hy.Total.RestructuredIn, hy.Total.ActiveEnd)
		// Nothing joined or left after June: the period's flows are the
		// first half's, and the reform took Thái Bình's members, whole,
		// into Hưng Yên.
		for _, c := range []struct {
			name      string
			got, want rollups.PeriodRow
		}{{"Thái Bình", tb.Total, tbHalf}, {"Hưng Yên", hy.Total, hyHalf}} {
			g, w := c.got, c.want
			if g.ActiveStart != w.ActiveStart || g.Joined != w.Joined || g.Left != w.Left || g.Died != w.Died ||
				g.TransferredIn != w.TransferredIn || g.TransferredOut != w.TransferredOut {
				t.Errorf("%s from 2025-01-01 to today: %+v; its first half: %+v", c.name, g, w)
			}
		}
		if tb.Total.Joined == 0 || tb.Total.Left == 0 {
			t.Errorf("Thái Bình's June join and leave are missing: %+v", tb.Total)
		}
		if tb.Total.ActiveEnd != 0 || tb.Total.RestructuredIn != 0 || tb.Total.RestructuredOut != tbHalf.ActiveEnd {
			t.Errorf("old Thái Bình ends %d, restructured in %d and out %d; %d were active on 2025-06-30",
				tb.Total.ActiveEnd, tb.Total.RestructuredIn, tb.Total.RestructuredOut, tbHalf.ActiveEnd)
		}
		if hy.Total.RestructuredIn != tbHalf.ActiveEnd || hy.Total.RestructuredOut != 0 || hy.Total.ActiveEnd != before {
			t.Errorf("Hưng Yên restructured in %d (Thái Bình had %d) and out %d, ends %d of %d",
				hy.Total.RestructuredIn, tbHalf.ActiveEnd, hy.Total.RestructuredOut, hy.Total.ActiveEnd, before)
		}
		// Among Hưng Yên's children, its old districts hand their members
		// to the new communes: what moved within it nets out.
		in, out, absorbing := 0, 0, 0
		for _, r := range hy.Children {
			in, out = in+r.RestructuredIn, out+r.RestructuredOut
			if r.RestructuredIn > 0 && r.ActiveStart == 0 && r.Joined == 0 {
				absorbing++
			}
		}
		if in-out != hy.Total.RestructuredIn || absorbing == 0 || out == 0 {
			t.Errorf("Hưng Yên's children: restructured in %d, out %d (the province: in %d), %d new communes took members in",
				in, out, hy.Total.RestructuredIn, absorbing)
		}
	})
	t.Run("a change dated before the reform reaches the tree as it was", func(t *testing.T) {
		// joinedIn has moved to a new commune of Hưng Yên: a member entered
		// today as having joined it in March 2025 belongs to old Thái
		// Bình's figures of June 2025, and to Hưng Yên's of today.
		hyJune := byCode(t, s, seeded["33"].ID, june)
		member(joinedIn, "Lê Thị Muộn", civil.Date{Year: 2025, Month: 3, Day: 1})
		want := maps.Clone(oldThaiBinh)
		want[jd] = [2]int{want[jd][0] + 1, want[jd][1] + 1}
		if got := byCode(t, s, seeded["34"].ID, june); !maps.Equal(got, want) {
			t.Fatalf("old Thái Bình as of 2025-06-30: %v, want %v", got, want)
		}
		if got := byCode(t, s, seeded["33"].ID, june); !maps.Equal(got, hyJune) {
			t.Fatalf("Hưng Yên as of 2025-06-30 changed: %v, was %v", got, hyJune)
		}
		if got := active(t, s, seeded["33"].ID, today); got != before+1 {
			t.Fatalf("Hưng Yên today: %d active, want %d", got, before+1)
		}
	})
}

// byCode is a rollup's children's active and total members by unit code.
func byCode(t *testing.T, s *Services, id string, d civil.Date) map[string][2]int {
	t.Helper()
	r, err := s.Rollups.Rollup(context.Background(), Sys, id, d)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][2]int{}
	for _, c := range r.Children {
		out[c.Unit.Code] = [2]int{c.Totals.ActiveMembers, c.Totals.Members}
	}
	return out
}

func active(t *testing.T, s *Services, id string, d civil.Date) int {
	t.Helper()
	r, err := s.Rollups.Rollup(context.Background(), Sys, id, d)
	if err != nil {
		t.Fatal(err)
	}
	return r.Totals.ActiveMembers
}
