package storetest

import (
	"bytes"
	"io"
	"testing"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/importjobs"
	"github.com/sohoi/sohoi/internal/imports"
	"github.com/sohoi/sohoi/internal/members"
)

// testImportJobs: a job and its file (over a chunk long) come back whole;
// updates are compare-and-swap; the runner finds jobs by status, oldest
// first; rows are replaced when put again and paged in row order; the
// job id on a member's event is kept.
func testImportJobs(t *testing.T, open Opener) {
	s := open(t)
	file := bytes.Repeat([]byte("Họ và tên,Ngày sinh\r\nNguyễn Văn An,05/09/1985\r\n"), 9<<20/48) // > 8 MB: two chunks
	j := &importjobs.Job{ID: ids.New(), UnitID: "u1", Path: []string{"root", "u1"}, Status: importjobs.Queued, UserID: "user1",
		Answers: map[int]imports.Answer{7: {New: true}}, CreatedAt: t0, Version: 1}
	if err := s.CreateImportJob(ctx(), j, bytes.NewReader(file)); err != nil {
		t.Fatal(err)
	}
	later := &importjobs.Job{ID: ids.New(), UnitID: "u1", Status: importjobs.Queued, CreatedAt: t0.Add(1e9), Version: 1}
	if err := s.CreateImportJob(ctx(), later, bytes.NewReader(nil)); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetImportJob(ctx(), j.ID)
	if err != nil || got.UserID != "user1" || !got.Answers[7].New || got.Path.Unit() != "u1" || !got.CreatedAt.Equal(t0) {
		t.Fatalf("GetImportJob: %+v, %v", got, err)
	}
	if _, err := s.GetImportJob(ctx(), ids.New()); !errs.Is(err, errs.NotFound) {
		t.Fatalf("unknown job: %v", err)
	}
	r, err := s.ImportFile(ctx(), j.ID)
	if err != nil {
		t.Fatal(err)
	}
	back, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(back, file) {
		t.Fatalf("the file came back with %d bytes of %d, %v", len(back), len(file), err)
	}

	queued, err := s.ImportJobsWithStatus(ctx(), importjobs.Queued, 10)
	if err != nil || len(queued) != 2 || queued[0].ID != j.ID || queued[1].ID != later.ID {
		t.Fatalf("queued: %v, %v", queued, err)
	}
	j.Status, j.Processed, j.Version = importjobs.Running, 40, 2
	if err := s.UpdateImportJob(ctx(), j); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateImportJob(ctx(), j); !errs.Is(err, errs.VersionMismatch) {
		t.Fatalf("a stale job update: %v", err)
	}
	running, err := s.ImportJobsWithStatus(ctx(), importjobs.Running, 10)
	if err != nil || len(running) != 1 || running[0].Processed != 40 {
		t.Fatalf("running: %v, %v", running, err)
	}

	rows := []importjobs.RowResult{{Row: 3, Decision: imports.Create, MemberID: "m3", Cells: []string{"An"}},
		{Row: 2, Decision: imports.Error, Errors: []imports.RowError{{Row: 2, Field: "birthDate", Message: "no such day"}}},
		{Row: 10, Decision: imports.Update, Changes: []members.Change{{Field: "phone", From: "", To: "0912345678"}}}}
	if err := s.PutImportRows(ctx(), j.ID, rows); err != nil {
		t.Fatal(err)
	}
	if err := s.PutImportRows(ctx(), j.ID, []importjobs.RowResult{{Row: 3, Decision: imports.Unchanged, MemberID: "m3"}}); err != nil {
		t.Fatal(err)
	}
	page1, err := s.ImportRows(ctx(), j.ID, 0, 2)
	if err != nil || len(page1) != 2 || page1[0].Row != 2 || page1[1].Row != 3 || page1[1].Decision != imports.Unchanged ||
		page1[0].Errors[0].Message != "no such day" {
		t.Fatalf("first page: %+v, %v", page1, err)
	}
	page2, err := s.ImportRows(ctx(), j.ID, 3, 2)
	if err != nil || len(page2) != 1 || page2[0].Row != 10 || page2[0].Changes[0].To != "0912345678" {
		t.Fatalf("second page: %+v, %v", page2, err)
	}
	if other, _ := s.ImportRows(ctx(), later.ID, 0, 10); len(other) != 0 {
		t.Fatalf("another job's rows: %+v", other)
	}

	tr := mustTree(t, s)
	m, ev := newMember(tr.a, "Đinh Văn Nhập", "")
	ev.Job = j.ID
	if err := s.CreateMembers(ctx(), []*members.Member{m}, []*members.Event{ev}); err != nil {
		t.Fatal(err)
	}
	h, err := s.MemberHistory(ctx(), m.ID, members.Everywhere)
	if err != nil || len(h) != 1 || h[0].Job != j.ID {
		t.Fatalf("the event's job: %+v, %v", h, err)
	}
}
