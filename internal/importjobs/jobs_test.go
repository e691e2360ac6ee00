package importjobs_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/importjobs"
	"github.com/sohoi/sohoi/internal/imports"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/servicetest"
)

// bigRoll is n new members over both branches, then Cường's new phone.
func bigRoll(n int) [][]string {
	var rows [][]string
	for i := range n {
		rows = append(rows, []string{fmt.Sprint(i + 1), fmt.Sprintf("Nguyễn Văn Số %s", spell(i)), "05/09/1985", "Nam",
			fmt.Sprintf("0010850%05d", i), "", []string{"CH01", "CH02"}[i%2]})
	}
	return append(rows, []string{fmt.Sprint(n + 1), "Lê Văn Cường", "07/06/1975", "Nam", "001075000111", "0987654321", "CH01"})
}

// spell gives each member a name of its own (names hold no digits).
func spell(i int) string {
	w := []string{"Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười"}
	return w[i/10%10] + " " + w[i%10]
}

// submit queues an import of data by the fixture's editor.
func (f *fixture) submit(t *testing.T, data []byte, dry bool) *importjobs.Job {
	t.Helper()
	j, err := f.s.Imports.Submit(context.Background(), f.editor, importjobs.Request{UnitID: f.commune.ID, DryRun: dry}, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != importjobs.Queued {
		t.Fatalf("submitted: %s", j.Status)
	}
	return j
}

// state is the commune's roll as comparable text, ids left out.
func (f *fixture) state(t *testing.T) []string {
	var out []string
	for _, m := range f.roll(t) {
		out = append(out, fmt.Sprintf("%s|%s|%s|%s|%s|%s|v%d", m.FullName, m.NationalID, m.Phone, m.BirthDate, m.Status, branchCode(f, m), m.Version))
	}
	slices.Sort(out)
	return out
}

func branchCode(f *fixture, m *members.Member) string {
	if m.BranchID == f.ch01.ID {
		return "CH01"
	}
	return "CH02"
}

func TestAJobStoppedHalfWayAndResumedEndsAsAnUninterruptedOne(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) { testStoppedAndResumed(t, st.open) })
	}
}

func testStoppedAndResumed(t *testing.T, open func(testing.TB) *servicetest.Services) {
	ctx := context.Background()
	data := csvBOM(t, bigRoll(20))

	whole := newFixtureOn(t, open)
	wj := whole.submit(t, data, false)
	if err := whole.s.Imports.WithBatch(3).Execute(ctx, wj); err != nil {
		t.Fatal(err)
	}

	cut := newFixtureOn(t, open)
	cj := cut.submit(t, data, false)
	batches := 0
	stopAt3 := cut.s.Imports.WithBatch(3).WithBatchHook(func(*importjobs.Job) error {
		if batches++; batches == 3 {
			return importjobs.ErrStopped // batch 3 written, not recorded
		}
		return nil
	})
	if err := stopAt3.Execute(ctx, cj); err == nil {
		t.Fatal("the stop did not stop the job")
	}
	mid, err := cut.s.Imports.Get(ctx, cut.editor, cj.ID)
	if err != nil || mid.Status != importjobs.Running || mid.Processed != 6 {
		t.Fatalf("stopped job: %+v, %v", mid, err)
	}
	if err := cut.s.Imports.WithBatch(3).Execute(ctx, mid); err != nil {
		t.Fatal(err)
	}

	a, err := whole.s.Imports.Get(ctx, whole.editor, wj.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := cut.s.Imports.Get(ctx, cut.editor, cj.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != importjobs.Done || b.Status != importjobs.Done || a.Total != 21 || b.Total != 21 ||
		a.Created != 20 || b.Created != 20 || a.Updated != 1 || b.Updated != 1 || b.Processed != 21 || b.Unchanged != 0 {
		t.Fatalf("uninterrupted %+v\nresumed %+v", a, b)
	}
	if sa, sb := whole.state(t), cut.state(t); !slices.Equal(sa, sb) {
		t.Fatalf("the rolls differ:\n%v\n%v", sa, sb)
	}
	ra, _, _ := whole.s.Imports.Rows(ctx, whole.editor, wj.ID, "", 100)
	rb, _, _ := cut.s.Imports.Rows(ctx, cut.editor, cj.ID, "", 100)
	if len(ra) != 21 || len(rb) != 21 {
		t.Fatalf("%d and %d rows", len(ra), len(rb))
	}
	for i := range ra {
		if ra[i].Decision != rb[i].Decision || ra[i].Row != rb[i].Row {
			t.Fatalf("row %d: %s uninterrupted, %s resumed", ra[i].Row, ra[i].Decision, rb[i].Decision)
		}
	}
	checkCounts(t, whole)
	checkCounts(t, cut)
}

func TestUndoTakesBackAllButWhatChangedSince(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) { testUndo(t, st.open) })
	}
}

func testUndo(t *testing.T, open func(testing.TB) *servicetest.Services) {
	ctx := context.Background()
	f := newFixtureOn(t, open)
	before := f.state(t)
	j := f.submit(t, csvBOM(t, bigRoll(4)), false)
	if err := f.s.Imports.WithBatch(2).Execute(ctx, j); err != nil {
		t.Fatal(err)
	}
	rows, _, err := f.s.Imports.Rows(ctx, f.editor, j.ID, "", 100)
	if err != nil || len(rows) != 5 {
		t.Fatalf("rows %+v, %v", rows, err)
	}
	// Someone corrects a member the import created.
	phone := "0911111111"
	touched := rows[1].MemberID
	if _, err := f.s.Members.Update(ctx, f.editor, touched, members.Patch{Phone: &phone}, 0); err != nil {
		t.Fatal(err)
	}

	viewer := f.s.Caller(t, access.Viewer, f.commune)
	if _, err := f.s.Imports.Undo(ctx, viewer, j.ID); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("a viewer's undo: %v", err)
	}
	undone, err := f.s.Imports.Undo(ctx, f.editor, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if undone.Status != importjobs.Undone || len(undone.Left) != 1 || undone.Left[0].MemberID != touched || undone.Left[0].Row != rows[1].Row {
		t.Fatalf("undone: %+v", undone)
	}
	cuong, _ := f.s.Members.Get(ctx, servicetest.Sys, f.cuong.ID)
	if cuong.Phone != f.cuong.Phone {
		t.Fatalf("Cường's phone %q, want %q back", cuong.Phone, f.cuong.Phone)
	}
	for _, r := range rows {
		if r.Decision != imports.Create {
			continue
		}
		m, err := f.s.Members.Get(ctx, servicetest.Sys, r.MemberID)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case r.MemberID == touched && (m.Status != members.Active || m.Phone != phone):
			t.Fatalf("the member changed since was undone: %+v", m)
		case r.MemberID != touched && (m.Status != members.Left || m.LeaveReason != importjobs.UndoReason):
			t.Fatalf("a created member was not taken back: %+v", m)
		}
		h, _, _ := f.s.Members.History(ctx, servicetest.Sys, r.MemberID, pageAll)
		if len(h) < 2 || h[0].Type != members.Joined {
			t.Fatalf("history lost: %+v", h)
		}
	}
	var active []string
	for _, s := range f.state(t) {
		if strings.Contains(s, "|active|") {
			active = append(active, s)
		}
	}
	if len(active) != len(before)+1 {
		t.Fatalf("active after undo: %v (before: %v)", active, before)
	}
	checkCounts(t, f)
	if _, err := f.s.Imports.Undo(ctx, f.editor, j.ID); !errs.Is(err, errs.Conflict) {
		t.Fatalf("a second undo: %v", err)
	}
}

func TestJobsAreSeenOnlyInScope(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	j := f.submit(t, csvBOM(t, rollRows()), true)
	other := f.s.Caller(t, access.Admin, f.s.Unit(t, f.s.Unit(t, "root", "province", "33").ID, "commune", "12100"))
	if _, err := f.s.Imports.Get(ctx, other, j.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("another province's admin: %v", err)
	}
	if err := f.s.Imports.Execute(ctx, j); err != nil {
		t.Fatal(err)
	}
	got, err := f.s.Imports.Get(ctx, f.editor, j.ID)
	if err != nil || got.Status != importjobs.Done || got.Created != 2 || got.Failed != 5 || len(got.Errors) != 5 || got.Total != len(roll) {
		t.Fatalf("dry run job: %+v, %v", got, err)
	}
	if len(f.roll(t)) != f.startLen {
		t.Fatal("a dry run job wrote")
	}
	if _, err := f.s.Imports.Undo(ctx, f.editor, j.ID); !errs.Is(err, errs.Conflict) {
		t.Fatalf("undo of a dry run: %v", err)
	}
	page1, next, err := f.s.Imports.Rows(ctx, f.editor, j.ID, "", 4)
	if err != nil || len(page1) != 4 || next == "" {
		t.Fatalf("page 1: %d rows, next %q, %v", len(page1), next, err)
	}
	page2, next2, err := f.s.Imports.Rows(ctx, f.editor, j.ID, next, 100)
	if err != nil || len(page2) != len(roll)-4 || next2 != "" || page2[0].Row != page1[3].Row+1 {
		t.Fatalf("page 2: %+v, %q, %v", page2, next2, err)
	}
	var rep bytes.Buffer
	if err := f.s.Imports.Report(ctx, f.editor, j.ID, imports.CSV, &rep); err != nil {
		t.Fatal(err)
	}
	text := rep.String()
	if !strings.Contains(text, "Kết quả") || !strings.Contains(text, "Phạm Thị Hoa") || strings.Count(text, "\r\n") != len(roll)+1 {
		t.Fatalf("report:\n%s", text)
	}
}

func TestSubmitRefusesWhatIsNoRoll(t *testing.T) {
	f := newFixture(t)
	_, err := f.s.Imports.Submit(context.Background(), f.editor, importjobs.Request{UnitID: f.commune.ID}, bytes.NewReader([]byte("\x00\x01\x02garbage\xff\xfe")))
	if !errs.Is(err, errs.Validation) {
		t.Fatalf("got %v", err)
	}
}

var pageAll = page.Request{Limit: 100}

// A running job leased to another instance is left to it; once the lease
// runs out (that runner died) the runner here takes the job over and
// finishes it.
func TestARunningJobLeasedElsewhereIsLeftUntilTheLeaseRunsOut(t *testing.T) {
	ctx := context.Background()
	f := newFixtureOn(t, servicetest.Open)
	j := f.submit(t, csvBOM(t, bigRoll(4)), false)
	jobs := f.s.Store.(importjobs.JobStore)
	j.Status, j.LeaseUntil, j.Version = importjobs.Running, time.Now().Add(time.Hour), j.Version+1
	if err := jobs.UpdateImportJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	stop := f.s.Imports.Start(slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer stop()
	time.Sleep(300 * time.Millisecond)
	if got, err := jobs.GetImportJob(ctx, j.ID); err != nil || got.Version != j.Version || got.Processed != 0 {
		t.Fatalf("a job leased elsewhere was taken: %+v, %v", got, err)
	}
	j.LeaseUntil, j.Version = time.Now().Add(-time.Second), j.Version+1
	if err := jobs.UpdateImportJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		got, err := jobs.GetImportJob(ctx, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == importjobs.Done {
			if got.Processed != 5 || got.Created != 4 || !got.LeaseUntil.IsZero() {
				t.Fatalf("taken over and finished: %+v", got)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job whose lease ran out was not taken over: %+v", got)
		}
	}
}
