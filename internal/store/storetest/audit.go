package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// AuditTamper is what a store's own tests add to it (in a _test.go file
// of its package) so that the contract can change the trail behind the
// store's back, as someone with the database file or the collection
// could: straight through SQL or the Mongo collection.
type AuditTamper interface {
	// TamperAudit overwrites the stored after-state of entry seq.
	TamperAudit(ctx context.Context, seq int64, after string) error
	// RemoveAudit deletes entry seq.
	RemoveAudit(ctx context.Context, seq int64) error
}

// AuditSeqLoser is a store that hands out sequence numbers apart from
// writing entries (MongoDB): LoseAuditSeq takes one and writes nothing,
// as a writer that crashed right after taking it.
type AuditSeqLoser interface {
	LoseAuditSeq(ctx context.Context) error
}

// unitObjects is audit.Objects on the store's units.
type unitObjects struct{ s Store }

func (o unitObjects) AuditFields(ctx context.Context, objectType, id string) (audit.Fields, error) {
	if objectType != audit.ObjUnit {
		return nil, audit.ErrUnknownObject
	}
	u, err := o.s.GetUnit(ctx, id)
	if err != nil {
		return nil, err
	}
	return u.AuditFields(), nil
}

func newUnit(parent *units.Unit, code string) *units.Unit {
	id := ids.New()
	return &units.Unit{ID: id, ParentID: parent.ID, Level: units.Province, Name: "Tỉnh " + code, Code: code,
		Path: parent.Path.Child(id), Status: units.Active, Version: 1, CreatedAt: t0, UpdatedAt: t0}
}

func unitEntry(u *units.Unit) *audit.Entry {
	_, after, _ := audit.Changed(nil, u.AuditFields())
	e := &audit.Entry{At: t0, Action: audit.Create, ObjectType: audit.ObjUnit, ObjectID: u.ID, Path: u.Path, After: after}
	return e.By("u1", "manager.34")
}

// entriesOf lists the entries about one object, newest first.
func entriesOf(t *testing.T, s Store, objectType, id string) []*audit.Entry {
	t.Helper()
	l, err := s.ListAudit(ctx(), audit.Query{Under: unitpath.Path{units.RootID}, ObjectType: objectType, ObjectID: id, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func mustVerify(t *testing.T, s Store) *audit.Report {
	t.Helper()
	r, err := audit.Verify(ctx(), s)
	if err != nil {
		t.Fatal(err)
	}
	if r.Problem != nil {
		t.Fatalf("an intact chain fails: %v", r.Problem)
	}
	return r
}

// recoverAll settles every pending entry, as a start after a crash does
// once the grace has passed.
func recoverAll(t *testing.T, s Store) int {
	t.Helper()
	n, err := audit.Recover(ctx(), s, unitObjects{s}, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func testAudit(t *testing.T, open Opener) {
	t.Run("RecordListVerify", func(t *testing.T) {
		s := open(t)
		root := mustRoot(t, s)
		log := audit.NewRecorder(s, unitObjects{s}, func() time.Time { return t0 })
		a, b := newUnit(root, "34"), newUnit(root, "33")
		for _, u := range []*units.Unit{a, b} {
			if err := log.Change(ctx(), unitEntry(u), func(ctx context.Context) error { return s.CreateUnit(ctx, u) }); err != nil {
				t.Fatal(err)
			}
		}
		read := (&audit.Entry{Action: audit.List, ObjectType: audit.ObjRoll, ObjectID: a.ID, Path: a.Path,
			Detail: audit.JSON(map[string]string{"q": "hoa"})}).By("u2", "viewer.34")
		read.At = t0.Add(time.Hour)
		if err := log.Access(ctx(), read); err != nil {
			t.Fatal(err)
		}
		all, err := s.ListAudit(ctx(), audit.Query{Under: root.Path, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 || all[0].Seq != 3 || all[2].Seq != 1 {
			t.Fatalf("entries %+v, want 3 newest first", all)
		}
		for _, e := range all {
			if e.State != audit.Done || !e.Sealed() {
				t.Errorf("entry %d is %s, sealed %v", e.Seq, e.State, e.Sealed())
			}
		}
		if string(all[0].Detail) != `{"q":"hoa"}` || all[0].ActorName != "viewer.34" || !all[0].At.Equal(t0.Add(time.Hour)) {
			t.Errorf("the read entry came back as %+v", all[0])
		}
		for name, q := range map[string]audit.Query{
			"subtree": {Under: a.Path},
			"object":  {Under: root.Path, ObjectType: audit.ObjUnit, ObjectID: b.ID},
			"type":    {Under: root.Path, ObjectType: audit.ObjRoll},
			"actor":   {Under: root.Path, ActorID: "u2"},
			"since":   {Under: root.Path, Since: t0.Add(time.Minute)},
			"until":   {Under: root.Path, Until: t0.Add(time.Minute), ObjectType: audit.ObjUnit, ObjectID: a.ID},
			"after":   {Under: root.Path, After: 2, ActorID: "u1"},
		} {
			q.Limit = 10
			l, err := s.ListAudit(ctx(), q)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			want := map[string]int64{"subtree": 3, "object": 2, "type": 3, "actor": 3, "since": 3, "until": 1, "after": 1}[name]
			if name == "subtree" {
				want = 3 // a's create and the read of a's roll: newest is the read
				if len(l) != 2 {
					t.Errorf("subtree: %d entries, want 2", len(l))
				}
			}
			if len(l) == 0 || l[0].Seq != want {
				t.Errorf("%s: %+v, want newest %d", name, l, want)
			}
		}
		limited, err := s.ListAudit(ctx(), audit.Query{Under: root.Path, Limit: 1})
		if err != nil || len(limited) != 2 {
			t.Errorf("a page of 1 reads %d entries (one more, to know another page follows), %v", len(limited), err)
		}
		if r := mustVerify(t, s); r.Entries != 3 || r.Head != 3 {
			t.Errorf("verify walked %d of %d", r.Entries, r.Head)
		}
	})

	// A write that answers an error after storing its change (a timeout
	// after the commit) keeps a done entry; one the store refused has none.
	t.Run("FailedWrites", func(t *testing.T) {
		s := open(t)
		root := mustRoot(t, s)
		log := audit.NewRecorder(s, unitObjects{s}, nil)
		u := newUnit(root, "34")
		boom := errors.New("boom")
		err := log.Change(ctx(), unitEntry(u), func(ctx context.Context) error {
			if err := s.CreateUnit(ctx, u); err != nil {
				return err
			}
			return boom // fails after the store call
		})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
		if got := entriesOf(t, s, audit.ObjUnit, u.ID); len(got) != 1 || got[0].State != audit.Done {
			t.Errorf("a change stored though its write failed has entries %+v, want one done", got)
		}
		// A write refused by the store itself (a duplicate code).
		dup := newUnit(root, "34")
		dup.Code = u.Code
		if err := s.CreateUnit(ctx(), u); err == nil || log.Change(ctx(), unitEntry(dup), func(ctx context.Context) error { return s.CreateUnit(ctx, dup) }) == nil {
			t.Fatal("a duplicate code was stored")
		}
		for _, e := range entriesOf(t, s, audit.ObjUnit, dup.ID) {
			if e.State == audit.Done {
				t.Errorf("a failed write has a done entry: %+v", e)
			}
		}
		mustVerify(t, s)
	})

	// A crash at each point between the entry and the change leaves both,
	// or a state Recover repairs to both or neither.
	t.Run("CrashBetweenEntryAndChange", func(t *testing.T) {
		s := open(t)
		root := mustRoot(t, s)
		never, made := newUnit(root, "34"), newUnit(root, "33")
		e1 := unitEntry(never)
		e1.State = audit.Done
		if _, err := s.BeginAudit(ctx(), e1); err != nil {
			t.Fatal(err)
		}
		// crash: the change is never written, the entry never ended
		e2 := unitEntry(made)
		e2.State = audit.Done
		wctx, err := s.BeginAudit(ctx(), e2)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CreateUnit(wctx, made); err != nil {
			t.Fatal(err)
		}
		// crash: the change is written, the entry never ended
		recoverAll(t, s)
		for _, e := range entriesOf(t, s, audit.ObjUnit, never.ID) {
			if e.State != audit.Void {
				t.Errorf("a change never written has entry %+v", e)
			}
		}
		got := entriesOf(t, s, audit.ObjUnit, made.ID)
		if len(got) != 1 || got[0].State != audit.Done {
			t.Errorf("a written change has entries %+v, want one done", got)
		}
		if r := mustVerify(t, s); r.Unsealed != 0 {
			t.Errorf("%d entries left unsealed after recovery", r.Unsealed)
		}
		if _, err := s.GetUnit(ctx(), never.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("the unit never written exists: %v", err)
		}
		// The chain goes on after a recovery.
		log := audit.NewRecorder(s, unitObjects{s}, nil)
		next := newUnit(root, "32")
		if err := log.Change(ctx(), unitEntry(next), func(ctx context.Context) error { return s.CreateUnit(ctx, next) }); err != nil {
			t.Fatal(err)
		}
		mustVerify(t, s)
	})

	t.Run("LostSequenceNumberIsFilled", func(t *testing.T) {
		s := open(t)
		loser, ok := s.(AuditSeqLoser)
		if !ok {
			t.Skip("this store numbers entries in the transaction that writes them: no number is lost")
		}
		root := mustRoot(t, s)
		log := audit.NewRecorder(s, unitObjects{s}, nil)
		if err := log.Access(ctx(), (&audit.Entry{Action: audit.Read, ObjectType: audit.ObjMember, ObjectID: "m1", Path: root.Path}).By("u", "u")); err != nil {
			t.Fatal(err)
		}
		if err := loser.LoseAuditSeq(ctx()); err != nil {
			t.Fatal(err)
		}
		if err := log.Access(ctx(), (&audit.Entry{Action: audit.Read, ObjectType: audit.ObjMember, ObjectID: "m2", Path: root.Path}).By("u", "u")); err != nil {
			t.Fatal(err)
		}
		r, err := audit.Verify(ctx(), s)
		if err != nil || r.Problem == nil || r.Problem.Seq != 2 || r.Problem.What != "removed" {
			t.Fatalf("a lost number before repair: %+v %v", r, err)
		}
		recoverAll(t, s)
		if r := mustVerify(t, s); r.Entries != 3 || r.Unsealed != 0 {
			t.Errorf("after repair: %+v", r)
		}
	})

	t.Run("ConcurrentWritersMakeOneChain", func(t *testing.T) {
		s := open(t)
		root := mustRoot(t, s)
		log := audit.NewRecorder(s, unitObjects{s}, nil)
		var wg sync.WaitGroup
		errc := make(chan error, 40)
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 5; i++ {
					u := newUnit(root, fmt.Sprintf("%d-%d", w, i))
					errc <- log.Change(ctx(), unitEntry(u), func(ctx context.Context) error { return s.CreateUnit(ctx, u) })
				}
			}()
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			if err != nil {
				t.Fatal(err)
			}
		}
		// Unsealed entries may be left at the end (two writers settling
		// neighbours at once); the repair seals them.
		if r := mustVerify(t, s); r.Entries != 40 {
			t.Errorf("verify: %+v", r)
		}
		recoverAll(t, s)
		if r := mustVerify(t, s); r.Entries != 40 || r.Unsealed != 0 {
			t.Errorf("verify after the repair: %+v", r)
		}
	})

	t.Run("TamperingIsDetected", func(t *testing.T) {
		for _, c := range []struct {
			name string
			do   func(tm AuditTamper) error
			seq  int64
			what string
		}{
			{"changed", func(tm AuditTamper) error { return tm.TamperAudit(ctx(), 2, `{"name":"Tỉnh khác"}`) }, 2, "changed"},
			{"removed", func(tm AuditTamper) error { return tm.RemoveAudit(ctx(), 2) }, 2, "removed"},
			{"removed last", func(tm AuditTamper) error { return tm.RemoveAudit(ctx(), 3) }, 3, "removed"},
		} {
			t.Run(c.name, func(t *testing.T) {
				s := open(t)
				tm, ok := s.(AuditTamper)
				if !ok {
					t.Fatal("the store's tests must give it the AuditTamper hooks")
				}
				root := mustRoot(t, s)
				log := audit.NewRecorder(s, unitObjects{s}, nil)
				for _, code := range []string{"34", "33", "32"} {
					u := newUnit(root, code)
					if err := log.Change(ctx(), unitEntry(u), func(ctx context.Context) error { return s.CreateUnit(ctx, u) }); err != nil {
						t.Fatal(err)
					}
				}
				mustVerify(t, s)
				if err := c.do(tm); err != nil {
					t.Fatal(err)
				}
				r, err := audit.Verify(ctx(), s)
				if err != nil {
					t.Fatal(err)
				}
				if r.Problem == nil || r.Problem.Seq != c.seq || r.Problem.What != c.what {
					t.Errorf("verify found %+v, want entry %d %s", r.Problem, c.seq, c.what)
				}
			})
		}
	})
}
