package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/unitpath"
)

type totals struct {
	Members        int `json:"members"`
	ActiveMembers  int `json:"activeMembers"`
	Female         int `json:"female"`
	Male           int `json:"male"`
	Left           int `json:"left"`
	Deceased       int `json:"deceased"`
	Branches       int `json:"branches"`
	Officers       int `json:"officers"`
	JoinedThisYear int `json:"joinedThisYear"`
	AgeBands       map[string]int
}

type rollupBody struct {
	UnitID   string `json:"unitId"`
	AsOf     string `json:"asOf"`
	Pending  bool   `json:"pending"`
	Totals   totals `json:"totals"`
	Children []struct {
		UnitID string `json:"unitId"`
		Name   string `json:"name"`
		Totals totals `json:"totals"`
	} `json:"children"`
}

// rollup reads a unit's rollup once the settler has counted every write
// made so far: reads never settle, so a test that wants settled figures
// waits for the settler (see readNow for a read that does not).
func (r *roll) rollup(token, unitID, asOf string) rollupBody {
	r.e.t.Helper()
	if err := r.e.app.Rollups.WaitSettled(context.Background()); err != nil {
		r.e.t.Fatal(err)
	}
	return r.readNow(token, unitID, asOf)
}

// readNow reads a unit's rollup as it is now, settled or not.
func (r *roll) readNow(token, unitID, asOf string) rollupBody {
	r.e.t.Helper()
	var b rollupBody
	path := "/api/v1/units/" + unitID + "/rollup"
	if asOf != "" {
		path += "?asOf=" + asOf
	}
	r.e.expect(r.e.do("GET", path, token, nil), 200).decode(r.e.t, &b)
	return b
}

func (r *roll) active(unitID, asOf string) int {
	return r.rollup(r.e.admin, unitID, asOf).Totals.ActiveMembers
}

// history is a small roll with transfers inside and across provinces and
// a leave; each member's id by name.
func (r *roll) history(t *testing.T) map[string]member {
	mgr := r.e.admin
	ms := map[string]member{
		"m1": r.add(mgr, r.a, map[string]any{"fullName": "Nguyễn Thị Một", "gender": "female", "birthDate": "1960-01-01", "joinedOn": "2020-03-08"}),
		"m2": r.add(mgr, r.a, map[string]any{"fullName": "Trần Văn Hai", "gender": "male", "birthDate": "1990-01-01", "joinedOn": "2021-01-10"}),
		"m3": r.add(mgr, r.a, map[string]any{"fullName": "Lê Thị Ba", "gender": "female", "birthDate": "1950-01-01"}),
		"m4": r.add(mgr, r.b, map[string]any{"fullName": "Phạm Văn Bốn", "gender": "male", "birthDate": "1980-01-01", "joinedOn": "2022-05-05"}),
		"m5": r.add(mgr, r.c, map[string]any{"fullName": "Vũ Thị Năm", "gender": "female", "joinedOn": "2019-01-01"}),
	}
	r.e.expect(r.e.do("POST", "/api/v1/members/"+ms["m2"].ID+"/transfer", mgr, map[string]any{"toBranchId": r.b.ID, "on": "2024-01-15"}), 200)
	r.e.expect(r.e.do("POST", "/api/v1/members/"+ms["m4"].ID+"/transfer", mgr, map[string]any{"toBranchId": r.c.ID, "on": "2024-06-01"}), 200)
	r.e.expect(r.e.do("POST", "/api/v1/members/"+ms["m1"].ID+"/leave", mgr, map[string]any{"status": "left", "on": "2025-03-01"}), 200)
	return ms
}

func TestRollupTotalsAndChildren(t *testing.T) {
	r := newRoll(t)
	r.history(t)
	year := civil.Today(time.Now()).Year // Vietnam's year, as the server counts it
	got := r.rollup(r.reporter, r.prov.ID, "")
	want := totals{Members: 3, ActiveMembers: 2, Female: 1, Male: 1, Left: 1, Branches: 2, JoinedThisYear: 1}
	gotT := got.Totals
	gotT.AgeBands, want.AgeBands = nil, nil
	if fmt.Sprint(gotT) != fmt.Sprint(want) {
		t.Fatalf("province totals %+v, want %+v", gotT, want)
	}
	if got.Totals.AgeBands["75plus"] != 1 || got.Totals.AgeBands["30to44"] != boolInt(year-1990 < 45) {
		t.Fatalf("age bands %v", got.Totals.AgeBands)
	}
	if len(got.Children) != 1 || got.Children[0].UnitID != r.comm.ID || got.Children[0].Totals.ActiveMembers != 2 {
		t.Fatalf("children %+v", got.Children)
	}
	comm := r.rollup(r.reporter, r.comm.ID, "")
	byID := map[string]totals{}
	for _, c := range comm.Children {
		byID[c.UnitID] = c.Totals
	}
	if byID[r.a.ID].ActiveMembers != 1 || byID[r.a.ID].Members != 2 || byID[r.b.ID].ActiveMembers != 1 || byID[r.b.ID].Members != 1 {
		t.Fatalf("branches %+v", byID)
	}
	if other := r.rollup(r.e.admin, r.c.Ancestors[1], ""); other.Totals.ActiveMembers != 2 || other.Totals.Branches != 1 {
		t.Fatalf("the other province %+v", other.Totals)
	}
	root := r.rollup(r.e.admin, "root", "")
	if root.Totals.ActiveMembers != 4 || root.Totals.Branches != 3 || len(root.Children) != 2 {
		t.Fatalf("root %+v", root)
	}
	// a reporter reads rollups but nothing outside its scope; the answer
	// carries no personal data
	res := r.e.expect(r.e.do("GET", "/api/v1/units/"+r.prov.ID+"/rollup", r.reporter, nil), 200)
	for _, personal := range []string{"Nguyễn", "Trần", "fullName", "nationalId"} {
		if strings.Contains(string(res.body), personal) {
			t.Fatalf("rollup shows %q: %s", personal, res.body)
		}
	}
	r.e.expect(r.e.do("GET", "/api/v1/units/"+r.c.ID+"/rollup", r.reporter, nil), 404)
	r.e.expect(r.e.do("GET", "/api/v1/units/"+r.prov.ID+"/rollup?asOf=30/06/2025", r.reporter, nil), 400)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestRollupAsOfPastDays(t *testing.T) {
	r := newRoll(t)
	ms := r.history(t)
	cases := []struct {
		asOf      string
		prov, p33 int
	}{
		{"2019-12-31", 0, 1}, // before anyone in 34 joined
		{"2024-03-31", 3, 1}, // a month end (kept): after m2's move inside 34
		{"2024-07-15", 2, 2}, // between m4's move out of 34 and m1's leave
		{"2025-06-30", 1, 2}, // after m1 left; m3 joins only today
	}
	for _, c := range cases {
		if got := r.active(r.prov.ID, c.asOf); got != c.prov {
			t.Errorf("province 34 on %s: %d active, want %d", c.asOf, got, c.prov)
		}
		if got := r.active(r.c.Ancestors[1], c.asOf); got != c.p33 {
			t.Errorf("province 33 on %s: %d active, want %d", c.asOf, got, c.p33)
		}
	}
	// A leave recorded today but dated in the past changes past answers,
	// kept snapshots included.
	r.e.expect(r.e.do("POST", "/api/v1/members/"+ms["m2"].ID+"/leave", r.e.admin, map[string]any{"status": "left", "on": "2024-02-01"}), 200)
	for _, c := range []struct {
		asOf string
		want int
	}{{"2024-03-31", 2}, {"2024-01-31", 3}, {"2024-07-15", 1}, {"", 1}} {
		if got := r.active(r.prov.ID, c.asOf); got != c.want {
			t.Errorf("after the back-dated leave, on %q: %d active, want %d", c.asOf, got, c.want)
		}
	}
	if b := r.rollup(r.e.admin, r.b.ID, "2024-03-31"); b.Totals.Left != 1 || b.Totals.Members != 2 {
		t.Errorf("branch B on 2024-03-31: %+v", b.Totals)
	}
}

type periodRow struct {
	UnitID         string `json:"unitId"`
	ActiveStart    int    `json:"activeStart"`
	Joined         int    `json:"joined"`
	TransferredIn  int    `json:"transferredIn"`
	Left           int    `json:"left"`
	Died           int    `json:"died"`
	TransferredOut int    `json:"transferredOut"`
	// Issue 18.5: members of moved units, brought in or taken out.
	RestructuredIn  int `json:"restructuredIn"`
	RestructuredOut int `json:"restructuredOut"`
	ActiveEnd       int `json:"activeEnd"`
	BranchesStart   int `json:"branchesStart"`
	BranchesEnd     int `json:"branchesEnd"`
}

func (p periodRow) balanced() bool {
	return p.ActiveStart+p.Joined+p.TransferredIn+p.RestructuredIn-p.Left-p.Died-p.TransferredOut-p.RestructuredOut == p.ActiveEnd
}

func TestPeriodReportBalances(t *testing.T) {
	r := newRoll(t)
	r.history(t)
	// more movement in the period: a join, a death
	d := r.add(r.e.admin, r.b, map[string]any{"fullName": "Hoàng Văn Sáu", "joinedOn": "2024-04-04"})
	r.e.mustUnit(r.comm.ID, "branch", "NEW") // made today, empty: no branch in 2024, one more today
	r.e.expect(r.e.do("POST", "/api/v1/members/"+d.ID+"/leave", r.e.admin, map[string]any{"status": "deceased", "on": "2024-09-09"}), 200)
	for _, unit := range []unit{r.prov, r.comm, r.a, r.b} {
		var rep struct {
			Total    periodRow   `json:"total"`
			Children []periodRow `json:"children"`
		}
		r.e.expect(r.e.do("GET", "/api/v1/units/"+unit.ID+"/reports/period?from=2024-01-01&to=2024-12-31", r.reporter, nil), 200).decode(t, &rep)
		for _, row := range append(rep.Children, rep.Total) {
			if !row.balanced() {
				t.Errorf("unit %s: row %+v does not balance", unit.Code, row)
			}
		}
		if unit.ID == r.prov.ID {
			want := periodRow{UnitID: r.prov.ID, ActiveStart: 3, Joined: 1, TransferredIn: 1, Died: 1, TransferredOut: 2, ActiveEnd: 2, BranchesStart: 2, BranchesEnd: 2}
			if rep.Total != want {
				t.Errorf("province 34 in 2024: %+v, want %+v", rep.Total, want)
			}
		}
	}
	if got := r.rollup(r.e.admin, r.prov.ID, "").Totals.Branches; got != 3 {
		t.Errorf("branches today: %d", got)
	}
	res := r.e.expect(r.e.do("GET", "/api/v1/units/"+r.comm.ID+"/reports/period?from=2024-01-01&to=2024-12-31&format=csv", r.reporter, nil), 200)
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(res.body), "\ufeff")), "\n")
	if len(lines) != 5 || !strings.HasPrefix(lines[0], "Đơn vị,Mã,Hội viên đầu kỳ") || !strings.HasPrefix(lines[4], "Tổng cộng") ||
		!strings.Contains(res.header.Get("Content-Disposition"), ".csv") {
		t.Fatalf("csv:\n%s", res.body)
	}
	res = r.e.expect(r.e.do("GET", "/api/v1/units/"+r.comm.ID+"/reports/period?from=2024-01-01&to=2024-12-31&format=xlsx", r.reporter, nil), 200)
	f, err := excelize.OpenReader(strings.NewReader(string(res.body)))
	if err != nil {
		t.Fatal(err)
	}
	checkReportWorkbook(t, f)
	for _, bad := range []string{"from=2024-12-31&to=2024-01-01", "from=2024-01-01", "to=2024-01-01", "from=2024-01-01&to=2999-01-01", "from=x&to=y",
		"from=2024-01-01&to=2024-12-31&format=pdf"} {
		r.e.expect(r.e.do("GET", "/api/v1/units/"+r.comm.ID+"/reports/period?"+bad, r.reporter, nil), 400, "validation_failed")
	}
}

func TestConcurrentCreatesAreCountedExactly(t *testing.T) {
	r := newRoll(t)
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			branch := []unit{r.a, r.b}[i%2]
			r.e.expect(r.e.do("POST", "/api/v1/units/"+branch.ID+"/members", r.e.admin, map[string]any{"fullName": fmt.Sprintf("Người Thứ %d", i)}), 201)
		}()
	}
	wg.Wait()
	got := r.rollup(r.e.admin, r.prov.ID, "")
	if got.Totals.ActiveMembers != 60 || got.Totals.JoinedThisYear != 60 {
		t.Fatalf("province after 60 creates: %+v", got.Totals)
	}
	comm := r.rollup(r.e.admin, r.comm.ID, "")
	if comm.Children[0].Totals.ActiveMembers+comm.Children[1].Totals.ActiveMembers != 60 {
		t.Fatalf("branches %+v", comm.Children)
	}
	if err := r.e.app.Rollups.WaitSettled(context.Background()); err != nil {
		t.Fatal(err)
	}
	rec, err := r.e.app.Rollups.Reconcile(context.Background(), access.System("test"), mustUnit(t, r.e, "root"))
	if err != nil || len(rec.Repairs) != 0 {
		t.Fatalf("reconcile found drift after concurrent writes: %v %v", rec, err)
	}
}

// failingCounts fails a number of counter writes, as a crash or an outage
// between storing a change and counting it would.
type failingCounts struct {
	app.Store
	failures atomic.Int32
}

func (f *failingCounts) PutCounters(ctx context.Context, cs []*rollups.Counter) (int, error) {
	if f.failures.Add(-1) >= 0 {
		return 0, errors.New("injected failure")
	}
	return f.Store.PutCounters(ctx, cs)
}

func TestAWriteThatFailsHalfWayIsCountedOnce(t *testing.T) {
	var fs *failingCounts
	e := newEnvOn(t, func(s app.Store) app.Store { fs = &failingCounts{Store: s}; return fs })
	r := &roll{e: e}
	r.prov = e.mustUnit("root", "province", "34")
	r.a = e.mustUnit(r.prov.ID, "branch", "A")
	r.rollup(e.admin, r.prov.ID, "") // counters exist before the failure
	fs.failures.Store(1)
	r.add(e.admin, r.a, map[string]any{"fullName": "Nguyễn Văn An"}) // stored; counting fails half-way
	for deadline := time.Now().Add(5 * time.Second); fs.failures.Load() > 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the failure was not injected")
		}
	}
	// The settler failed: the province says its figures are pending
	// (reads never settle), and the settler's next sweep counts the write.
	if got := r.rollup(e.admin, r.prov.ID, ""); !got.Pending || got.Totals.ActiveMembers != 0 {
		t.Fatalf("after a failed count: %+v, want pending", got)
	}
	if err := e.app.Rollups.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := r.rollup(e.admin, r.prov.ID, ""); got.Pending || got.Totals.ActiveMembers != 1 {
		t.Fatalf("after the sweep: %+v, want 1 active", got)
	}
	r.add(e.admin, r.a, map[string]any{"fullName": "Trần Văn Bình"}) // the next write recounts again
	if got := r.active(r.prov.ID, ""); got != 2 {
		t.Fatalf("after a retry: %d active, want 2", got)
	}
	if err := e.app.Rollups.WaitSettled(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rec, err := e.app.Rollups.Reconcile(context.Background(), access.System("test"), mustUnit(t, e, "root")); err != nil || len(rec.Repairs) != 0 {
		t.Fatalf("reconcile: %+v %v", rec, err)
	}
}

func TestReconcileRepairsADamagedCounter(t *testing.T) {
	r := newRoll(t)
	for i := range 3 {
		r.add(r.e.admin, r.a, map[string]any{"fullName": fmt.Sprintf("Người %d", i)})
	}
	if got := r.active(r.prov.ID, ""); got != 3 {
		t.Fatalf("before: %d", got)
	}
	ctx := context.Background()
	if err := r.e.app.Rollups.WaitSettled(ctx); err != nil { // so that it cannot undo the damage below
		t.Fatal(err)
	}
	c, err := r.e.app.Store.GetCounter(ctx, r.a.path(), "")
	if err != nil {
		t.Fatal(err)
	}
	c.Tally.Active, c.Ticket = 1000, 1<<40
	if err := r.e.app.Store.ReplaceCounter(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got := r.active(r.a.ID, ""); got != 1000 {
		t.Fatalf("the damage did not take: %d", got)
	}
	rec, err := r.e.app.Rollups.Reconcile(ctx, access.System("test"), mustUnit(t, r.e, r.prov.ID))
	if err != nil {
		t.Fatal(err)
	}
	repaired := map[string]bool{}
	for _, rp := range rec.Repairs {
		repaired[rp.Unit.ID] = true
	}
	if !repaired[r.a.ID] || rec.Repairs[0].Now.ActiveMembers != 3 || !strings.Contains(rec.Repairs[0].String(), "1000 → 3") {
		t.Fatalf("repairs %+v", rec.Repairs)
	}
	for _, u := range []string{r.a.ID, r.comm.ID, r.prov.ID, "root"} {
		if got := r.active(u, ""); got != 3 {
			t.Errorf("unit %s after reconcile: %d active", u, got)
		}
	}
	// writes keep counting after a repair with a large ticket
	r.add(r.e.admin, r.a, map[string]any{"fullName": "Người mới"})
	if got := r.active(r.prov.ID, ""); got != 4 {
		t.Fatalf("after a write: %d", got)
	}
}

// Closing a month keeps its figures; a later back-dated change corrects
// them; the server closes months by itself when configured to.
func TestCloseMonth(t *testing.T) {
	r := newRoll(t)
	ms := r.history(t)
	ctx := context.Background()
	prov := mustUnit(t, r.e, r.prov.ID)
	day := civilDate(t, "2024-06-30")
	made, err := r.e.app.Rollups.CloseMonth(ctx, access.System("test"), prov, day)
	if err != nil || !made {
		t.Fatalf("close: %v %v", made, err)
	}
	if c, err := r.e.app.Store.GetCounter(ctx, r.a.path(), "2024-06-30"); err != nil || c.Tally.Active != 1 {
		t.Fatalf("the branch's kept tally: %+v %v", c, err)
	}
	if made, _ := r.e.app.Rollups.CloseMonth(ctx, access.System("test"), prov, day); made {
		t.Fatal("closing twice counted twice")
	}
	if _, err := r.e.app.Rollups.CloseMonth(ctx, access.System("test"), prov, civilDate(t, "2024-06-29")); err == nil {
		t.Fatal("closed a day that is not a month end")
	}
	if got := r.active(r.prov.ID, "2024-06-30"); got != 2 {
		t.Fatalf("on the closed day: %d", got)
	}
	r.e.expect(r.e.do("POST", "/api/v1/members/"+ms["m2"].ID+"/leave", r.e.admin, map[string]any{"status": "left", "on": "2024-02-01"}), 200)
	if got := r.active(r.prov.ID, "2024-06-30"); got != 1 {
		t.Fatalf("the closed day after a back-dated leave: %d", got)
	}

	e := newEnv(t, func(c *appConfig) { c.CloseMonths = true })
	today := time.Now()
	last := civilDate(t, time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1).Format(time.DateOnly))
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := e.app.Store.GetCounter(ctx, unitpath.Path{"root"}, last.String()); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the server did not keep last month's figures")
		}
	}
}

// checkReportWorkbook checks the period report of TestPeriodReportBalances
// (commune 3401, 2024) as a secretary would hand it in: a named sheet, a
// title naming the unit and period, a bold header frozen above the rows,
// counts as numbers with a thousands format, widths that fit the names.
func checkReportWorkbook(t *testing.T, f *excelize.File) {
	t.Helper()
	if name := f.GetSheetName(0); name != "Báo cáo" {
		t.Errorf("sheet %q, want Báo cáo", name)
	}
	rows, err := f.GetRows("Báo cáo")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || rows[1][2] != "Hội viên đầu kỳ" || rows[5][8] != "2" || rows[5][10] != "2" {
		t.Fatalf("xlsx rows %v", rows)
	}
	if title := rows[0][0]; !strings.Contains(title, "Báo cáo biến động hội viên") || !strings.Contains(title, "01/01/2024") ||
		!strings.Contains(title, "31/12/2024") || !strings.Contains(title, "(mã ") {
		t.Errorf("title %q does not name the unit and period", title)
	}
	style := func(cell string) *excelize.Style {
		id, err := f.GetCellStyle("Báo cáo", cell)
		if err != nil {
			t.Fatal(err)
		}
		s, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := style("C2"); s.Font == nil || !s.Font.Bold {
		t.Errorf("header C2 is not bold: %+v", s.Font)
	}
	if s := style("I6"); s.NumFmt != 3 {
		t.Errorf("count I6 has number format %d, want 3 (#,##0)", s.NumFmt)
	}
	// A number cell carries no type attribute (or "n"); text is a string.
	if typ, err := f.GetCellType("Báo cáo", "I6"); err != nil || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
		t.Errorf("count I6 is of type %v (%v), want a number", typ, err)
	}
	panes, err := f.GetPanes("Báo cáo")
	if err != nil || !panes.Freeze || panes.YSplit != 2 {
		t.Errorf("panes %+v (%v): want frozen below the header (row 2)", panes, err)
	}
	if w, err := f.GetColWidth("Báo cáo", "A"); err != nil || w < 30 {
		t.Errorf("column A is %v wide (%v): names do not fit", w, err)
	}
}

// countingWrites counts the counting protocol's store writes and, while
// hold is set, fails every tally stored, as a settler that cannot get
// through would.
type countingWrites struct {
	app.Store
	writes atomic.Int64
	hold   atomic.Bool
}

func (c *countingWrites) TakeTickets(ctx context.Context, ts []rollups.TicketFor) ([]int64, error) {
	c.writes.Add(1)
	return c.Store.TakeTickets(ctx, ts)
}

func (c *countingWrites) PutCounters(ctx context.Context, cs []*rollups.Counter) (int, error) {
	c.writes.Add(1)
	if c.hold.Load() {
		return 0, errors.New("held")
	}
	return c.Store.PutCounters(ctx, cs)
}

func (c *countingWrites) MarkStale(ctx context.Context, marks []rollups.Mark) ([]rollups.Mark, error) {
	c.writes.Add(1)
	return c.Store.MarkStale(ctx, marks)
}

func (c *countingWrites) ClearMarks(ctx context.Context, ms []rollups.Mark) error {
	c.writes.Add(1)
	return c.Store.ClearMarks(ctx, ms)
}

func (c *countingWrites) AddSnapshotDay(ctx context.Context, day string) error {
	c.writes.Add(1)
	return c.Store.AddSnapshotDay(ctx, day)
}

// TestARollupReadNeverSettles creates a member while the settler cannot
// store a tally: the branch's figures count the member as soon as the
// create has answered (read from its roll); the province's do not yet, say
// so (pending: true), and reading them writes nothing to the store. The
// settler's sweep, not a read, then settles them. Before, a rollup read
// settled the marks below it, writing tallies and clearing marks.
func TestARollupReadNeverSettles(t *testing.T) {
	var cw *countingWrites
	e := newEnvOn(t, func(s app.Store) app.Store { cw = &countingWrites{Store: s}; return cw })
	r := &roll{e: e}
	r.prov = e.mustUnit("root", "province", "34")
	r.comm = e.mustUnit(r.prov.ID, "commune", "12436")
	r.a = e.mustUnit(r.comm.ID, "branch", "A")
	if got := r.rollup(e.admin, r.prov.ID, ""); got.Pending || got.Totals.ActiveMembers != 0 {
		t.Fatalf("before: %+v", got)
	}
	cw.hold.Store(true)
	r.add(e.admin, r.a, map[string]any{"fullName": "Nguyễn Thị Lan", "gender": "female"})
	if branch := r.readNow(e.admin, r.a.ID, ""); branch.Pending || branch.Totals.ActiveMembers != 1 || branch.Totals.Female != 1 {
		t.Fatalf("the branch when its create answered: %+v", branch.Totals)
	}
	if err := e.app.Rollups.WaitSettled(context.Background()); err != nil { // it tried, and failed
		t.Fatal(err)
	}
	for _, id := range []string{r.prov.ID, r.comm.ID, "root"} {
		before := cw.writes.Load()
		got := r.readNow(e.admin, id, "")
		if !got.Pending || got.Totals.ActiveMembers != 0 {
			t.Fatalf("unit %s while its counting is held: %+v", id, got)
		}
		if n := cw.writes.Load() - before; n != 0 {
			t.Fatalf("a read of unit %s wrote %d times", id, n)
		}
	}
	var rep struct {
		Pending bool `json:"pending"`
	}
	// A period that does not start on the 1st: its eve is no month end
	// (counting a month end for the first time is the one read that keeps
	// what it counts).
	// Days are Vietnam's (civil.Today), not the test machine's.
	today := civil.Today(time.Now())
	from := today.AddDays(-2)
	if from.Day == 1 {
		from = from.AddDays(-1)
	}
	before := cw.writes.Load()
	e.expect(e.do("GET", "/api/v1/units/"+r.prov.ID+"/reports/period?from="+from.String()+"&to="+today.String(), e.admin, nil), 200).decode(t, &rep)
	if !rep.Pending || cw.writes.Load() != before {
		t.Fatalf("a period report while held: pending %v, %d writes", rep.Pending, cw.writes.Load()-before)
	}
	cw.hold.Store(false)
	if err := e.app.Rollups.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := r.readNow(e.admin, r.prov.ID, ""); got.Pending || got.Totals.ActiveMembers != 1 {
		t.Fatalf("after the sweep: %+v", got)
	}
}
