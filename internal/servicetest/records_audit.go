package servicetest

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/audit/trail"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/evidence"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/records"
	"github.com/sohoi/sohoi/internal/scholarships"
	"github.com/sohoi/sohoi/internal/units"
)

// RecordsAuditScenario: a write that answers an error after it was stored (a timeout after the
// commit) keeps its entry as done, and one that was not stored is not:
// the Recorder asks the stored object (app's audit objects, the same
// fields the records service records), for each of issue 20's records.
// On MongoDB the same decision settles entries left pending by a crash.
func RecordsAuditScenario(t *testing.T, s *Services) {
	ctx := context.Background()
	b := s.Unit(t, s.Unit(t, units.RootID, units.Province, "34").ID, units.Commune, "12436")
	timeout := errors.New("timeout after the commit")
	entryOf := func(typ, id string, after audit.Fields) *audit.Entry {
		_, a, _ := audit.Changed(nil, after)
		return (&audit.Entry{Action: audit.Create, ObjectType: typ, ObjectID: id, Path: b.Path, After: a}).By("system", "system:test")
	}
	r := &learning.Recognition{ID: ids.New(), Kind: "family", Name: "Gia đình ông An", UnitID: b.ID, Path: b.Path, Year: 2025,
		Status: learning.Proposed, Criteria: "family-387", Assessments: []learning.Assessment{}, Evidence: []learning.Attachment{},
		ProposedOn: civil.MustParse("2025-03-01"), Version: 1}
	e := &fund.Entry{ID: ids.New(), UnitID: b.ID, Path: b.Path, Date: civil.MustParse("2025-01-10"), Amount: 1_000_000,
		Direction: fund.Out, Party: "Học bổng", Receipt: "PC-01"}
	a := &scholarships.Award{ID: ids.New(), UnitID: b.ID, Path: b.Path, Date: e.Date, Amount: e.Amount, FundEntry: e.ID,
		Student: scholarships.Student{Name: "Lê Văn Tú", School: "Trường Tiểu học", Level: scholarships.Primary}}
	content := PDFBytes("audit")
	in := evidence.Policy{}.NewIntake(bytes.NewReader(content))
	var spool bytes.Buffer
	spool.ReadFrom(in)
	f := &evidence.File{ID: in.ID(), Size: in.Size(), ContentType: evidence.PDF, StoredAt: s.Now().UTC()}
	if _, err := s.Store.PutFile(ctx, f, &spool); err != nil {
		t.Fatal(err)
	}
	l := &evidence.Link{File: f.ID, Recognition: r.ID, Criterion: "f2-children-in-school", Path: b.Path, Name: "a.pdf", LinkedBy: "system", LinkedAt: s.Now().UTC()}
	cases := []struct {
		typ, id string
		after   audit.Fields
		write   func(ctx context.Context) error
	}{
		{audit.ObjRecognition, r.ID, records.FieldsOf(r), func(ctx context.Context) error { return s.Store.CreateRecognition(ctx, r) }},
		{audit.ObjFundEntry, e.ID, records.FieldsOf(e), func(ctx context.Context) error { return s.Store.AddEntry(ctx, e) }},
		{audit.ObjAward, a.ID, records.FieldsOf(a), func(ctx context.Context) error { return s.Store.CreateAward(ctx, a) }},
		{audit.ObjEvidence, records.LinkID(l), records.LinkFields(l, f), func(ctx context.Context) error { return s.Store.LinkFile(ctx, l) }},
	}
	for _, c := range cases {
		if err := s.Audit.Change(ctx, entryOf(c.typ, c.id, c.after), func(ctx context.Context) error {
			if err := c.write(ctx); err != nil {
				return err
			}
			return timeout
		}); !errors.Is(err, timeout) {
			t.Fatalf("%s: %v", c.typ, err)
		}
		// The same change again, not stored this time: void.
		if err := s.Audit.Change(ctx, entryOf(c.typ, ids.New(), c.after), func(context.Context) error { return timeout }); !errors.Is(err, timeout) {
			t.Fatalf("%s: %v", c.typ, err)
		}
		res, err := s.Trail.List(ctx, Sys, trail.Filter{ObjectType: c.typ, Page: page.Request{Limit: 10}})
		if err != nil {
			t.Fatal(err)
		}
		states := map[string]audit.State{}
		for _, x := range res.Items {
			states[x.ObjectID] = x.State
		}
		if states[c.id] != audit.Done {
			t.Errorf("%s: states %v, want the stored change done", c.typ, states)
		}
		// SQLite writes no entry for a change never stored (the entry goes
		// in the change's transaction); MongoDB keeps it void.
		for id, st := range states {
			if id != c.id && st != audit.Void {
				t.Errorf("%s: the change not stored is %s", c.typ, st)
			}
		}
	}
}
