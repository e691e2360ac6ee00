package servicetest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/servicetest"
	"github.com/sohoi/sohoi/internal/units"
)

// marks records the Mark calls of the members service.
type marks struct{ calls [][][]string }

func (m *marks) Mark(_ context.Context, paths [][]string, _ civil.Date) (func(context.Context), error) {
	m.calls = append(m.calls, paths)
	return func(context.Context) {}, nil
}

// A batch is counted once: one Mark for the branches it touches, each
// once, however many members; a batch of phone numbers marks nothing.
func TestABatchIsMarkedOncePerBatch(t *testing.T) {
	s := servicetest.Open(t)
	ctx := context.Background()
	c := s.Unit(t, s.Unit(t, units.RootID, units.Province, "34").ID, units.Commune, "12436")
	var branches []*units.Unit
	for i := range 3 {
		branches = append(branches, s.Unit(t, c.ID, units.Branch, fmt.Sprintf("CH%02d", i+1)))
	}
	rec := &marks{}
	svc := members.NewService(s.DB, s.Units, s.Users, rec, audit.NewRecorder(s.DB, nil, s.Now), s.Now)
	var items []members.NewMember
	for i := range 30 {
		items = append(items, members.NewMember{BranchID: branches[i%3].ID, Input: members.Input{FullName: fmt.Sprintf("Lê Văn %c", 'A'+i),
			BirthDate: civil.MustParse("1980-01-02")}})
	}
	items = append(items, members.NewMember{BranchID: branches[0].ID, Input: members.Input{FullName: ""}}) // invalid: reported, not stored
	made, failed, err := svc.CreateBatch(ctx, servicetest.Sys, "job1", items)
	if err != nil {
		t.Fatal(err)
	}
	if failed[30] == nil || made[30] != nil {
		t.Fatalf("the invalid member: %v, %v", made[30], failed[30])
	}
	if len(rec.calls) != 1 || len(rec.calls[0]) != 3 {
		t.Fatalf("marks: %v, want one call naming 3 branches", rec.calls)
	}
	h, _, err := s.Members.History(ctx, servicetest.Sys, made[0].ID, page.Request{Limit: 100})
	if err != nil || len(h) != 1 || h[0].Job != "job1" {
		t.Fatalf("history %+v, %v", h, err)
	}

	// The batch is one audit entry at the commune, naming every member
	// stored with its fields.
	if e := batchEntry(t, s, c, audit.Create); e.ObjectID != "job1" || !strings.Contains(string(e.After), made[29].ID) ||
		!strings.Contains(string(e.Detail), `"count":30`) {
		t.Fatalf("audit of the batch: %+v", e)
	}

	rec.calls = nil
	phone := "0912345678"
	var edits []members.Edit
	for _, m := range made[:30] {
		edits = append(edits, members.Edit{ID: m.ID, Version: m.Version, Patch: members.Patch{Phone: &phone}})
	}
	if _, failed, err := svc.UpdateBatch(ctx, servicetest.Sys, "job1", edits); err != nil || failed[0] != nil {
		t.Fatal(err, failed[0])
	}
	if len(rec.calls) != 0 {
		t.Fatalf("phone numbers marked %v", rec.calls)
	}
	if e := batchEntry(t, s, c, audit.Update); !strings.Contains(string(e.After), phone) || !strings.Contains(string(e.Detail), `"count":30`) {
		t.Fatalf("audit of the corrections: %+v", e)
	}
	g := members.Male
	for i := range edits {
		edits[i] = members.Edit{ID: made[i].ID, Patch: members.Patch{Gender: &g}}
	}
	if _, _, err := svc.UpdateBatch(ctx, servicetest.Sys, "job1", edits); err != nil {
		t.Fatal(err)
	}
	if len(rec.calls) != 1 || len(rec.calls[0]) != 3 {
		t.Fatalf("gender changes marked %v, want one call naming 3 branches", rec.calls)
	}
	// A stale version is refused for that member only.
	stale := []members.Edit{{ID: made[0].ID, Version: 1, Patch: members.Patch{Phone: new("0987654321")}}, {ID: made[1].ID, Patch: members.Patch{Phone: new("0987654321")}}}
	done, failed, err := svc.UpdateBatch(ctx, servicetest.Sys, "", stale)
	if err != nil || failed[0] == nil || done[1] == nil || done[1].Phone != "0987654321" {
		t.Fatalf("stale edit: %v %v %v", done, failed, err)
	}
}

// batchEntry is the newest entry of action on members under u.
func batchEntry(t *testing.T, s *servicetest.Services, u *units.Unit, action string) *audit.Entry {
	t.Helper()
	entries, err := s.DB.ListAudit(context.Background(), audit.Query{Under: u.Path, ObjectType: audit.ObjMember, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Action == action {
			return e
		}
	}
	t.Fatalf("no %s entry under %s", action, u.ID)
	return nil
}
