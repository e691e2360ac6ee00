package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/demo"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
	"github.com/sohoi/sohoi/internal/units/vnadmin"
)

// childCodes lists the codes of a unit's children (query: "" or "status=all").
func (e *env) childCodes(id, query string) []string {
	e.t.Helper()
	var l struct {
		Items []unit `json:"items"`
	}
	e.expect(e.do("GET", "/api/v1/units/"+id+"/children?limit=500&"+query, e.admin, nil), 200).decode(e.t, &l)
	var codes []string
	for _, u := range l.Items {
		codes = append(codes, u.Code)
	}
	return codes
}

func TestMoveUnit(t *testing.T) {
	r := newRoll(t)
	e := r.e
	dist := e.mustUnit(r.prov.ID, "district", "336")
	comm := e.mustUnit(dist.ID, "commune", "12437")
	branch := e.mustUnit(comm.ID, "branch", "01")
	m := r.add(e.admin, branch, map[string]any{"fullName": "Nguyễn Thị Hoa", "gender": "female", "birthDate": "1980-05-17", "joinedOn": "2020-01-01"})
	p33 := e.mustUnit("root", "province", "35")
	e.mustUnit(p33.ID, "district", "337")
	manager34 := e.mustUser("manager.34", "manager", r.prov.ID)

	t.Run("refused without manager rights where it goes", func(t *testing.T) {
		e.expect(e.do("POST", "/api/v1/units/"+dist.ID+"/move", manager34, map[string]string{"parentId": p33.ID}), 404, "not_found")
	})
	t.Run("refused under itself, a descendant, or against the levels", func(t *testing.T) {
		for _, to := range []string{dist.ID, comm.ID, branch.ID} {
			e.expect(e.do("POST", "/api/v1/units/"+dist.ID+"/move", e.admin, map[string]string{"parentId": to}), 400, "validation_failed")
		}
		e.expect(e.do("POST", "/api/v1/units/"+comm.ID+"/move", e.admin, map[string]string{"parentId": r.comm.ID}), 400, "validation_failed")
		e.expect(e.do("POST", "/api/v1/units/root/move", e.admin, map[string]string{"parentId": p33.ID}), 400, "validation_failed")
	})
	t.Run("refused onto a sibling's code", func(t *testing.T) {
		clash := e.mustUnit(r.prov.ID, "district", "337")
		e.expect(e.do("POST", "/api/v1/units/"+clash.ID+"/move", e.admin, map[string]string{"parentId": p33.ID}), 409, "conflict")
	})
	t.Run("moves the whole subtree", func(t *testing.T) {
		var got unit
		e.expect(e.do("POST", "/api/v1/units/"+dist.ID+"/move", e.admin, map[string]string{"parentId": p33.ID}), 200).decode(t, &got)
		if got.ParentID != p33.ID || !slices.Equal(got.Ancestors, []string{"root", p33.ID}) {
			t.Fatalf("moved unit: %+v", got)
		}
		var b unit
		e.expect(e.do("GET", "/api/v1/units/"+branch.ID, e.admin, nil), 200).decode(t, &b)
		if !slices.Equal(b.Ancestors, []string{"root", p33.ID, dist.ID, comm.ID}) {
			t.Fatalf("branch ancestors: %v", b.Ancestors)
		}
		var mm member
		e.expect(e.do("GET", "/api/v1/members/"+m.ID, e.admin, nil), 200).decode(t, &mm)
		if !slices.Equal(mm.Ancestors, []string{"root", p33.ID, dist.ID, comm.ID, branch.ID}) {
			t.Fatalf("member ancestors: %v", mm.Ancestors)
		}
		if got := names(r.list(e.admin, p33.ID, "").Items); !slices.Equal(got, []string{"Nguyễn Thị Hoa"}) {
			t.Fatalf("members of 33: %v", got)
		}
		for _, n := range names(r.list(e.admin, r.prov.ID, "").Items) {
			if n == "Nguyễn Thị Hoa" {
				t.Fatal("the moved member is still listed under 34")
			}
		}
		if slices.Contains(e.childCodes(r.prov.ID, ""), "336") || !slices.Contains(e.childCodes(p33.ID, ""), "336") {
			t.Fatal("the children lists do not show the move")
		}
		// manager of 34 no longer reaches the moved district; the rollup counts it at 33
		e.expect(e.do("GET", "/api/v1/units/"+dist.ID, manager34, nil), 404)
		if got := r.rollup(e.admin, p33.ID, "").Totals.ActiveMembers; got != 1 {
			t.Fatalf("active members of 33 after the move = %d, want 1", got)
		}
	})
	t.Run("a period spanning the move shows the member moved, not joined or transferred", func(t *testing.T) {
		today := time.Now().In(time.FixedZone("ICT", 7*3600)).Format(time.DateOnly)
		report := func(id string) (total periodRow, children map[string]periodRow) {
			var rep struct {
				Total    periodRow   `json:"total"`
				Children []periodRow `json:"children"`
			}
			e.expect(e.do("GET", "/api/v1/units/"+id+"/reports/period?from=2025-01-01&to="+today, e.admin, nil), 200).decode(t, &rep)
			children = map[string]periodRow{}
			for _, c := range append(rep.Children, rep.Total) {
				if !c.balanced() {
					t.Errorf("row %+v does not balance", c)
				}
				children[c.UnitID] = c
			}
			return rep.Total, children
		}
		in, inChildren := report(p33.ID)
		if in.RestructuredIn != 1 || in.RestructuredOut != 0 || in.Joined != 0 || in.TransferredIn != 0 || in.ActiveStart != 0 || in.ActiveEnd != 1 {
			t.Errorf("province 35 from 2025-01-01: %+v", in)
		}
		if d := inChildren[dist.ID]; d.RestructuredIn != 1 || d.ActiveEnd != 1 {
			t.Errorf("the moved district in 35's report: %+v", d)
		}
		out, outChildren := report(r.prov.ID)
		if out.RestructuredOut != 1 || out.RestructuredIn != 0 || out.Left != 0 || out.TransferredOut != 0 {
			t.Errorf("province 34 from 2025-01-01: %+v", out)
		}
		if d, ok := outChildren[dist.ID]; !ok || d.RestructuredOut != 1 || d.ActiveStart != 1 || d.ActiveEnd != 0 {
			t.Errorf("the district it had at the start, in 34's report: %+v (listed: %v)", d, ok)
		}
	})
}

func TestCloseAndReopenUnit(t *testing.T) {
	r := newRoll(t)
	e := r.e
	r.add(e.admin, r.a, map[string]any{"fullName": "Trần Văn Nam", "gender": "male", "birthDate": "1975-01-02", "joinedOn": "2020-01-01"})

	t.Run("a branch with an active member is not closed", func(t *testing.T) {
		res := e.expect(e.do("DELETE", "/api/v1/units/"+r.a.ID, e.admin, nil), 409, "conflict")
		if !strings.Contains(string(res.body), "1 active member") {
			t.Fatalf("does not say what is left: %s", res.body)
		}
	})
	t.Run("an empty branch is closed and leaves the default list", func(t *testing.T) {
		var got unit
		e.expect(e.do("DELETE", "/api/v1/units/"+r.b.ID, e.admin, nil), 200).decode(t, &got)
		if got.Status != "closed" {
			t.Fatalf("status %q", got.Status)
		}
		if codes := e.childCodes(r.comm.ID, ""); !slices.Equal(codes, []string{"A"}) {
			t.Fatalf("default list: %v", codes)
		}
		if codes := e.childCodes(r.comm.ID, "status=all"); !slices.Equal(codes, []string{"A", "B"}) {
			t.Fatalf("status=all: %v", codes)
		}
		e.expect(e.do("GET", "/api/v1/units/"+r.b.ID, e.admin, nil), 200)
		e.expect(e.do("POST", "/api/v1/units/"+r.b.ID+"/members", e.admin, map[string]any{"fullName": "Lê Thị Lan", "gender": "female", "birthDate": "1990-01-02", "joinedOn": "2024-01-01"}), 400, "validation_failed")
	})
	t.Run("a commune with an active branch is not closed", func(t *testing.T) {
		res := e.expect(e.do("PATCH", "/api/v1/units/"+r.comm.ID, e.admin, map[string]string{"status": "closed"}), 409, "conflict")
		if !strings.Contains(string(res.body), "1 active child unit (A)") {
			t.Fatalf("does not say what is left: %s", res.body)
		}
	})
	t.Run("an editor cannot close", func(t *testing.T) {
		e.expect(e.do("PATCH", "/api/v1/units/"+r.b.ID, r.chairB, map[string]string{"status": "active"}), 403)
	})
	t.Run("reopened", func(t *testing.T) {
		var got unit
		e.expect(e.do("PATCH", "/api/v1/units/"+r.b.ID, e.admin, map[string]string{"status": "active"}), 200).decode(t, &got)
		if got.Status != "active" || !slices.Equal(e.childCodes(r.comm.ID, ""), []string{"A", "B"}) {
			t.Fatalf("after reopening: %+v", got)
		}
	})
	t.Run("an unknown status is refused", func(t *testing.T) {
		e.expect(e.do("PATCH", "/api/v1/units/"+r.b.ID, e.admin, map[string]string{"status": "gone"}), 400, "validation_failed")
	})
}

type mergeResult struct {
	Target  unit   `json:"target"`
	Sources []unit `json:"sources"`
	Moved   int    `json:"moved"`
	Recoded []struct {
		UnitID  string `json:"unitId"`
		OldCode string `json:"oldCode"`
		NewCode string `json:"newCode"`
	} `json:"recoded"`
}

func TestMergeUnitsWithACodeClash(t *testing.T) {
	r := newRoll(t) // commune 12436 holds branches A and B
	e := r.e
	other := e.mustUnit(r.prov.ID, "commune", "12439")
	a2 := e.mustUnit(other.ID, "branch", "A")
	e.mustUnit(other.ID, "branch", "C")
	m := r.add(e.admin, a2, map[string]any{"fullName": "Phạm Thị Thu", "gender": "female", "birthDate": "1985-03-04", "joinedOn": "2021-01-01"})

	e.expect(e.do("POST", "/api/v1/units/"+r.comm.ID+"/merge", e.admin, map[string]any{"sources": []string{r.a.ID}}), 400, "validation_failed")
	e.expect(e.do("POST", "/api/v1/units/"+r.comm.ID+"/merge", r.viewerProv, map[string]any{"sources": []string{other.ID}}), 403)

	var got mergeResult
	e.expect(e.do("POST", "/api/v1/units/"+r.comm.ID+"/merge", e.admin, map[string]any{"sources": []string{other.ID}}), 200).decode(t, &got)
	if got.Moved != 2 || len(got.Recoded) != 1 || got.Recoded[0].UnitID != a2.ID || got.Recoded[0].NewCode != "A-12439" {
		t.Fatalf("merge result: %+v", got)
	}
	if len(got.Sources) != 1 || got.Sources[0].Status != "closed" {
		t.Fatalf("source: %+v", got.Sources)
	}
	var src struct {
		Status     string `json:"status"`
		MergedInto string `json:"mergedInto"`
	}
	e.expect(e.do("GET", "/api/v1/units/"+other.ID, e.admin, nil), 200).decode(t, &src)
	if src.Status != "closed" || src.MergedInto != r.comm.ID {
		t.Fatalf("source after the merge: %+v", src)
	}
	if codes := e.childCodes(r.comm.ID, ""); !slices.Equal(codes, []string{"A", "A-12439", "B", "C"}) {
		t.Fatalf("children of the target: %v", codes)
	}
	var mm member
	e.expect(e.do("GET", "/api/v1/members/"+m.ID, e.admin, nil), 200).decode(t, &mm)
	if !slices.Equal(mm.Ancestors, []string{"root", r.prov.ID, r.comm.ID, a2.ID}) || mm.BranchID != a2.ID {
		t.Fatalf("member after the merge: %+v", mm)
	}
	// asking again changes nothing
	e.expect(e.do("POST", "/api/v1/units/"+r.comm.ID+"/merge", e.admin, map[string]any{"sources": []string{other.ID}}), 200).decode(t, &got)
	if got.Moved != 0 || len(got.Recoded) != 0 {
		t.Fatalf("second merge: %+v", got)
	}
}

// Readers listing the members of the province while a district moves
// within it see each member exactly once, every time.
func TestReadsDuringAMoveSeeEveryMemberOnce(t *testing.T) {
	r := newRoll(t)
	e := r.e
	d1 := e.mustUnit(r.prov.ID, "district", "336")
	d2 := e.mustUnit(r.prov.ID, "district", "337")
	comm := e.mustUnit(d1.ID, "commune", "12437")
	branch := e.mustUnit(comm.ID, "branch", "01")
	const n = 120
	for i := range n {
		r.add(e.admin, branch, map[string]any{"fullName": fmt.Sprintf("Nguyễn Văn Số %03d", i), "gender": "male", "birthDate": "1980-05-17", "joinedOn": "2020-01-01"})
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	var reads atomic.Int64
	errc := make(chan string, 4)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				var l memberList
				res := e.do("GET", "/api/v1/units/"+r.prov.ID+"/members?limit=500", e.admin, nil)
				if res.status != 200 {
					errc <- fmt.Sprintf("status %d", res.status)
					return
				}
				res.decode(t, &l)
				seen := map[string]bool{}
				for _, m := range l.Items {
					if seen[m.ID] {
						errc <- "a member listed twice: " + m.FullName
						return
					}
					seen[m.ID] = true
				}
				if len(seen) != n {
					errc <- fmt.Sprintf("%d members listed, want %d", len(seen), n)
					return
				}
				reads.Add(1)
			}
		}()
	}
	for i := range 6 { // back and forth, reads running all along
		to := d2.ID
		if i%2 == 1 {
			to = d1.ID
		}
		e.expect(e.do("POST", "/api/v1/units/"+comm.ID+"/move", e.admin, map[string]string{"parentId": to}), 200)
	}
	stop.Store(true)
	wg.Wait()
	close(errc)
	for msg := range errc {
		t.Error(msg)
	}
	if reads.Load() == 0 {
		t.Fatal("no read finished during the moves")
	}
}

// crashingStore fails the path rewrites after the first allow calls, as
// a crash part-way through a move would leave the store.
type crashingStore struct {
	app.Store
	allow atomic.Int64
}

func (s *crashingStore) RewritePaths(ctx context.Context, from, to unitpath.Path, after string, limit int) (string, error) {
	if s.allow.Add(-1) < 0 {
		return "", errors.New("crashed")
	}
	return s.Store.RewritePaths(ctx, from, to, after, limit)
}

// mergeFixture builds the same tree in e: two communes with branches,
// members in every branch, a clash of branch codes; it returns the
// target, the source and every member id.
func mergeFixture(t *testing.T, e *env) (target, source unit, ids []string) {
	prov := e.mustUnit("root", "province", "34")
	target = e.mustUnit(prov.ID, "commune", "12436")
	source = e.mustUnit(prov.ID, "commune", "12439")
	for _, parent := range []unit{target, source} {
		for _, code := range []string{"A", "B" + parent.Code[4:]} { // both communes have an A
			b := e.mustUnit(parent.ID, "branch", code)
			for i := range 3 {
				var m member
				e.expect(e.do("POST", "/api/v1/units/"+b.ID+"/members", e.admin, map[string]any{"fullName": fmt.Sprintf("Hội viên %s %s %d", parent.Code, b.Code, i),
					"gender": "female", "birthDate": "1980-05-17", "joinedOn": "2020-01-01"}), 201).decode(t, &m)
				ids = append(ids, m.ID)
			}
		}
	}
	return target, source, ids
}

// mergeOutcome describes the tree and the members after a merge in
// codes and names, so that two environments compare as text.
func mergeOutcome(t *testing.T, e *env, target, source unit, ids []string) string {
	var out []string
	for _, u := range []unit{target, source} {
		var got struct {
			unit
			MergedInto string `json:"mergedInto"`
		}
		e.expect(e.do("GET", "/api/v1/units/"+u.ID, e.admin, nil), 200).decode(t, &got)
		out = append(out, fmt.Sprintf("%s %s merged:%t", got.Code, got.Status, got.MergedInto == target.ID))
		out = append(out, strings.Join(e.childCodes(u.ID, "status=all"), ","))
	}
	for _, id := range ids {
		var m member
		e.expect(e.do("GET", "/api/v1/members/"+id, e.admin, nil), 200).decode(t, &m)
		var b unit
		e.expect(e.do("GET", "/api/v1/units/"+m.BranchID, e.admin, nil), 200).decode(t, &b)
		out = append(out, fmt.Sprintf("%s in %s (%d ancestors, parent %t)", m.FullName, b.Code, len(m.Ancestors), m.Ancestors[2] == target.ID))
	}
	return strings.Join(out, "\n")
}

// A merge that fails part-way (its moves' path rewrites stop after a few
// batches) and is asked for again ends exactly as an uninterrupted one.
func TestMergeInterruptedAndResumedEndsTheSame(t *testing.T) {
	whole := newEnv(t)
	target, source, ids := mergeFixture(t, whole)
	whole.expect(whole.do("POST", "/api/v1/units/"+target.ID+"/merge", whole.admin, map[string]any{"sources": []string{source.ID}}), 200)
	want := mergeOutcome(t, whole, target, source, ids)

	for _, allow := range []int64{0, 1, 3, 7} {
		t.Run(fmt.Sprintf("after %d rewrite steps", allow), func(t *testing.T) {
			var cs *crashingStore
			e := newEnvOn(t, func(s app.Store) app.Store { cs = &crashingStore{Store: s}; cs.allow.Store(1 << 40); return cs })
			target, source, ids := mergeFixture(t, e)
			cs.allow.Store(allow)
			e.expect(e.do("POST", "/api/v1/units/"+target.ID+"/merge", e.admin, map[string]any{"sources": []string{source.ID}}), 500)
			cs.allow.Store(1 << 40)
			if mergeOutcome(t, e, target, source, ids) == want {
				t.Fatal("the failed merge left nothing to finish: the test proves nothing")
			}
			e.expect(e.do("POST", "/api/v1/units/"+target.ID+"/merge", e.admin, map[string]any{"sources": []string{source.ID}}), 200)
			if got := mergeOutcome(t, e, target, source, ids); got != want {
				t.Fatalf("resumed merge ends as\n%s\nwant\n%s", got, want)
			}
		})
	}
}

type reformResult struct {
	DryRun    bool `json:"dryRun"`
	Provinces []struct {
		Code            string `json:"code"`
		CreatedCommunes int    `json:"createdCommunes"`
		MovedBranches   int    `json:"movedBranches"`
		ClosedCommunes  int    `json:"closedCommunes"`
		Waiting         []struct {
			BranchID   string   `json:"branchId"`
			Candidates []string `json:"candidates"`
		} `json:"waiting"`
	} `json:"provinces"`
}

// The 2025-07 plan for Hưng Yên over HTTP, on Thái Bình and Hưng Yên
// seeded from the 2025-03 tree with a branch in every commune: a manager
// of Hưng Yên alone does not reach Thái Bình (404); a dry run changes
// nothing; a manager of both applies it, then assigns the waiting branches.
func TestApplyReformPlanOverHTTP(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sys := access.System("test")
	root, err := e.app.Units.Root(ctx, sys)
	if err != nil {
		t.Fatal(err)
	}
	prov := map[string]string{}
	for _, code := range []string{"33", "34"} {
		r, err := vnadmin.Open(vnadmin.Before2025Reform)
		if err != nil {
			t.Fatal(err)
		}
		areas, err := units.ParseAdminAreas(r, code)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Units.Seed(ctx, sys, root, areas, nil); err != nil {
			t.Fatal(err)
		}
		p, err := e.app.Units.ChildByCode(ctx, sys, root.ID, code)
		if err != nil {
			t.Fatal(err)
		}
		prov[code] = p.ID
		if _, err := demo.SeedRoll(ctx, e.app.Units, demo.OneByOne{Store: e.app.Store}, demo.RollSpec{Top: p, BranchesPerCommune: 1,
			Members: 40, Batch: 40, FirstSerial: len(prov) * 100, Seed: 7, Now: time.Now(), Counts: e.app.Rollups}); err != nil {
			t.Fatal(err)
		}
	}
	onlyHY := e.mustUser("manager.33", "manager", prov["33"])
	e.expect(e.do("POST", "/api/v1/restructures", onlyHY, map[string]any{"plan": "2025-07", "province": "33", "dryRun": true}), 404, "not_found")
	e.expect(e.do("POST", "/api/v1/restructures", e.admin, map[string]any{"plan": "2025-07", "province": "99"}), 400, "validation_failed")

	e.expect(e.do("POST", "/api/v1/users", e.admin, map[string]any{"username": "manager.both", "password": "password-manager.both", "displayName": "both",
		"grants": []map[string]string{{"role": "manager", "unitId": prov["33"]}, {"role": "manager", "unitId": prov["34"]}}}), 201)
	both := e.login("manager.both", "password-manager.both")

	var dry reformResult
	e.expect(e.do("POST", "/api/v1/restructures", both, map[string]any{"plan": "2025-07", "province": "33", "dryRun": true}), 200).decode(t, &dry)
	if !dry.DryRun || len(dry.Provinces) != 1 || dry.Provinces[0].CreatedCommunes != 104 || dry.Provinces[0].MovedBranches == 0 {
		t.Fatalf("dry run: %+v", dry)
	}
	if codes := e.childCodes(prov["33"], ""); slices.ContainsFunc(codes, func(c string) bool { return len(c) == 5 }) {
		t.Fatalf("the dry run created communes: %v", codes)
	}
	var done reformResult
	e.expect(e.do("POST", "/api/v1/restructures", both, map[string]any{"plan": "2025-07", "province": "33"}), 200).decode(t, &done)
	got := done.Provinces[0]
	if got.CreatedCommunes != 104 || got.MovedBranches != dry.Provinces[0].MovedBranches || len(got.Waiting) != len(dry.Provinces[0].Waiting) {
		t.Fatalf("applied %+v, the dry run said %+v", got, dry.Provinces[0])
	}
	if len(got.Waiting) == 0 {
		t.Fatal("nothing waits: the assignment below proves nothing")
	}
	assign := map[string]string{}
	for _, w := range got.Waiting {
		assign[w.BranchID] = w.Candidates[0]
	}
	e.expect(e.do("POST", "/api/v1/restructures", both, map[string]any{"plan": "2025-07", "province": "33", "assign": assign}), 200).decode(t, &done)
	if len(done.Provinces[0].Waiting) != 0 || done.Provinces[0].MovedBranches != len(assign) {
		t.Fatalf("with the assignments: %+v", done.Provinces[0])
	}
	var tb struct {
		Status     string `json:"status"`
		MergedInto string `json:"mergedInto"`
	}
	e.expect(e.do("GET", "/api/v1/units/"+prov["34"], both, nil), 200).decode(t, &tb)
	if tb.Status != "closed" || tb.MergedInto != prov["33"] {
		t.Fatalf("old Thái Bình: %+v", tb)
	}
	// Each application is recorded at the new province (the dry run is
	// not), its moves and closes by entries of their own.
	l := e.audit(both, url.Values{"unitId": {prov["33"]}, "objectType": {"restructure"}})
	if len(l.Items) != 2 || l.Items[0].ActorName != "manager.both" || l.Items[0].ObjectID != "33" || l.Items[1].Detail["movedBranches"] == nil {
		t.Errorf("the plan's entries: %+v", l.Items)
	}
	if closed := e.audit(both, url.Values{"unitId": {prov["34"]}, "objectType": {"unit"}, "objectId": {prov["34"]}}); len(closed.Items) == 0 ||
		closed.Items[0].ActorName != "manager.both" || str(t, closed.Items[0].After["status"]) != "closed" {
		t.Errorf("old Thái Bình's close: %+v", closed.Items)
	}
}
