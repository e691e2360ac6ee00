package mongo_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	store "github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/store/mongo/mongotest"
	"github.com/sohoi/sohoi/internal/units"
)

// A transfer to another province is a resumable move of the member's
// document (member_moves.go, docs/sharding.md §5.3). Stopped after each of
// its steps (1 the record, 2 the lock, 3 the new document, 4 the claim, 5
// the stub) and resumed, it ends as an uninterrupted one: the member lives
// in the new province at the next version with its history, its claim
// there, a stub in the old province that keeps the old branch counting
// it, and no move record. In between, lists of the old province, the new
// one and the root never show the member twice, and the root's never
// misses it; an update of the member misses (version mismatch), finishes
// the move, and succeeds when made again on the moved member.
func TestAMoveStoppedAfterEachStepIsResumed(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	rec := mongotest.NewRecorder()
	db := openStoreIn(t, ferretURI, name, rec)
	raw := connect(t, ferretURI).Database(name)
	now := func() time.Time { return time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC) }
	sys := access.System("test")
	rs, us, ms := services(db, now)
	root, mk := unitMaker(t, ctx, us)
	p34, p33 := mk(root, units.Province, "34"), mk(root, units.Province, "33")
	a := mk(mk(p34, units.District, "336"), units.Branch, "A")
	b := mk(p33, units.Branch, "B")
	count := func(u *units.Unit, id string) int {
		t.Helper()
		n := 0
		for cursor := ""; ; {
			res, err := db.ListMembers(ctx, members.Query{Path: u.Path, Page: page.Request{Limit: 2, Cursor: cursor}})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range res.Items {
				if m.ID == id {
					n++
				}
			}
			if cursor = res.Next; cursor == "" {
				return n
			}
		}
	}
	on := civil.Date{Year: 2026, Month: 5, Day: 1}
	for step := 0; step <= 5; step++ { // 0: not stopped
		t.Run(fmt.Sprintf("stopped after step %d", step), func(t *testing.T) {
			m, err := ms.Create(ctx, sys, a.ID, members.Input{FullName: fmt.Sprintf("Người %d", step), Gender: members.Female,
				BirthDate: civil.Date{Year: 1980, Month: 5, Day: 17}, JoinedOn: civil.Date{Year: 2020, Month: 1, Day: 1},
				NationalID: fmt.Sprintf("03418000%04d", step)})
			if err != nil {
				t.Fatal(err)
			}
			db.SetMoveCrash(step)
			_, err = ms.Transfer(ctx, sys, m.ID, b.ID, on)
			db.SetMoveCrash(0)
			if (step > 0) != errors.Is(err, store.ErrCrash) {
				t.Fatalf("transfer: %v", err)
			}
			if step > 0 {
				// Lists between the steps: never twice; the root's once.
				if n := count(p34, m.ID) + count(p33, m.ID); n < 1 || n > 2 || count(a, m.ID) > 1 || count(b, m.ID) > 1 {
					t.Errorf("lists of the provinces see the member %d times", n)
				}
				if n := count(root, m.ID); n != 1 {
					t.Errorf("the root lists the member %d times", n)
				}
				if step >= 2 {
					// An update meeting the locked document misses, and
					// finishes the move. (After step 1 alone it would win,
					// and the move, never acknowledged, would not happen.)
					if _, err := ms.Update(ctx, sys, m.ID, members.Patch{Phone: new("0911111111")}, m.Version); !errs.Is(err, errs.VersionMismatch) {
						t.Errorf("an update during the move: %v, want version mismatch", err)
					}
				}
				// The store's start finishes what is left from the record.
				again, err := store.Open(ctx, store.Options{URI: ferretURI, Database: name, Monitor: rec.Monitor()})
				if err != nil {
					t.Fatal(err)
				}
				again.Close()
			}
			got, err := db.GetMember(ctx, m.ID, members.Everywhere)
			if err != nil || got.BranchID != b.ID || got.Version != 2 || got.NationalID != m.NationalID {
				t.Fatalf("after the move: %+v %v", got, err)
			}
			if got, err := db.GetMember(ctx, m.ID, members.InProvinces(p34.ID)); !errs.Is(err, errs.NotFound) {
				t.Errorf("in the old province: %+v %v", got, err)
			}
			if h, err := db.MemberHistory(ctx, m.ID, members.InProvinces(p33.ID)); err != nil || len(h) != 2 || h[1].Type != members.Transferred {
				t.Errorf("history: %+v %v", h, err)
			}
			if holder, err := db.ActiveMemberByNationalID(ctx, m.NationalID); err != nil || holder.ID != m.ID {
				t.Errorf("holder: %+v %v", holder, err)
			}
			var claim struct {
				Province string `bson:"province"`
			}
			if err := raw.Collection("nationalIds").FindOne(ctx, bson.D{{Key: "_id", Value: m.NationalID}}).Decode(&claim); err != nil || claim.Province != p33.ID {
				t.Errorf("the claim's province: %q %v", claim.Province, err)
			}
			var docs []struct {
				ID      string `bson:"_id"`
				Kind    string `bson:"kind"`
				LivesIn string `bson:"livesIn"`
				Moving  string `bson:"moving"`
				Version int    `bson:"version"`
			}
			cur, err := raw.Collection("members").Find(ctx, bson.D{{Key: "memberId", Value: m.ID}})
			if err == nil {
				err = cur.All(ctx, &docs)
			}
			slices.SortFunc(docs, func(x, y struct {
				ID      string `bson:"_id"`
				Kind    string `bson:"kind"`
				LivesIn string `bson:"livesIn"`
				Moving  string `bson:"moving"`
				Version int    `bson:"version"`
			}) int {
				return x.Version - y.Version
			})
			if err != nil || len(docs) != 2 || docs[0].ID != p34.ID+":"+m.ID || docs[0].Kind != "stub" || docs[0].LivesIn != p33.ID ||
				docs[1].ID != p33.ID+":"+m.ID || docs[1].Kind != "live" || docs[1].Moving != "" || docs[1].Version != 2 {
				t.Errorf("documents: %+v %v", docs, err)
			}
			if n, err := raw.Collection("memberMoves").CountDocuments(ctx, bson.D{}); err != nil || n != 0 {
				t.Errorf("move records left: %d %v", n, err)
			}
			everyone, err := db.BranchEveryone(ctx, a.Path)
			if err != nil || !slices.ContainsFunc(everyone, func(x *members.Member) bool { return x.ID == m.ID }) {
				t.Errorf("branch A no longer finds the member: %v", err)
			}
			if _, err := ms.Update(ctx, sys, m.ID, members.Patch{Phone: new("0922222222")}, 2); err != nil {
				t.Errorf("an update after the move: %v", err)
			}
		})
	}
	if r, err := rs.Reconcile(ctx, sys, root); err != nil || len(r.Repairs) != 0 {
		t.Fatalf("reconcile after the moves: %+v %v", r, err)
	}
	for _, p := range rec.Uncovered(store.Indexes) {
		t.Error(p)
	}
	checkShardPlan(t, rec, false)
}

// A restructure that meets a member locked by a transfer's move finishes
// the move first (its record names it), then moves what is still below
// the moved unit: the transfer is kept, not overwritten by the
// restructure's copy, and the member is counted where it now lives.
func TestARestructureFinishesATransfersMoveFirst(t *testing.T) {
	ctx := testCtx(t)
	rec := mongotest.NewRecorder()
	db := openStore(t, ferretURI, rec)
	now := func() time.Time { return time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC) }
	sys := access.System("test")
	rs, us, ms := services(db, now)
	root, mk := unitMaker(t, ctx, us)
	p34, p33 := mk(root, units.Province, "34"), mk(root, units.Province, "33")
	d336 := mk(p34, units.District, "336")
	a, c := mk(d336, units.Branch, "A"), mk(p33, units.Branch, "C")
	m, err := ms.Create(ctx, sys, a.ID, members.Input{FullName: "Người Chuyển", Gender: members.Male,
		BirthDate: civil.Date{Year: 1981, Month: 2, Day: 3}, JoinedOn: civil.Date{Year: 2020, Month: 1, Day: 1}})
	if err != nil {
		t.Fatal(err)
	}
	other, err := ms.Create(ctx, sys, a.ID, members.Input{FullName: "Người Ở", Gender: members.Female,
		BirthDate: civil.Date{Year: 1982, Month: 2, Day: 3}, JoinedOn: civil.Date{Year: 2020, Month: 1, Day: 1}})
	if err != nil {
		t.Fatal(err)
	}
	// A transfer out of the subtree about to move, to the province it
	// moves to, stopped once its document is locked.
	db.SetMoveCrash(2)
	if _, err := ms.Transfer(ctx, sys, m.ID, c.ID, civil.Date{Year: 2026, Month: 5, Day: 1}); !errors.Is(err, store.ErrCrash) {
		t.Fatalf("transfer: %v", err)
	}
	db.SetMoveCrash(0)
	if _, err := us.Move(ctx, sys, d336.ID, p33.ID, 0); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetMember(ctx, m.ID, members.Everywhere)
	if err != nil || got.BranchID != c.ID || got.Version != 2 {
		t.Fatalf("the transferred member: %+v %v", got, err)
	}
	o, err := db.GetMember(ctx, other.ID, members.InProvinces(p33.ID))
	if err != nil || o.BranchID != a.ID || o.Path[1] != p33.ID {
		t.Fatalf("the member moved with its branch: %+v %v", o, err)
	}
	movedA, err := us.Load(ctx, sys, a.ID, access.ObjUnit, access.Read)
	if err != nil {
		t.Fatal(err)
	}
	everyone, err := db.BranchEveryone(ctx, movedA.Path)
	if err != nil || len(everyone) != 2 {
		t.Errorf("branch A after the move: %d members, %v", len(everyone), err)
	}
	if _, err := db.GetMember(ctx, m.ID, members.InProvinces(p34.ID)); !errs.Is(err, errs.NotFound) {
		t.Errorf("the member is still read in 34: %v", err)
	}
	// The transfer's service counted around a write that failed, before
	// the move was finished; the restructure's resume marked the
	// branches again, for the settler's next sweep.
	if err := rs.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if r, err := rs.Reconcile(ctx, sys, root); err != nil || len(r.Repairs) != 0 {
		t.Fatalf("reconcile: %+v %v", r, err)
	}
	for _, p := range rec.Uncovered(store.Indexes) {
		t.Error(p)
	}
	checkShardPlan(t, rec, false)
}
