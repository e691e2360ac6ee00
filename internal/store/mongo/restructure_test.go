package mongo_test

import (
	"slices"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	store "github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/store/mongo/mongotest"
	"github.com/sohoi/sohoi/internal/units"
)

// TestRestructureOnMongo runs the units service's move, merge, close and
// reopen on MongoDB (FerretDB), as the HTTP tests do on SQLite, and checks
// that every command they sent has a declared index behind it.
func TestRestructureOnMongo(t *testing.T) {
	rec := mongotest.NewRecorder()
	db := openStore(t, ferretURI, rec)
	ctx := testCtx(t)
	now := func() time.Time { return time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC) }
	sys := access.System("test")
	_, us, ms := services(db, now)
	root, mk := unitMaker(t, ctx, us)
	p34, p33 := mk(root, units.Province, "34"), mk(root, units.Province, "33")
	d336 := mk(p34, units.District, "336")
	c1, c2 := mk(d336, units.Commune, "12436"), mk(d336, units.Commune, "12439")
	mk(c1, units.Branch, "A") // the clash with c2's A
	a2, b2 := mk(c2, units.Branch, "A"), mk(c2, units.Branch, "B")
	m, err := ms.Create(ctx, sys, a2.ID, members.Input{FullName: "Nguyễn Thị Hoa", Gender: members.Female,
		BirthDate: civil.Date{Year: 1980, Month: 5, Day: 17}, JoinedOn: civil.Date{Year: 2020, Month: 1, Day: 1}})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("move", func(t *testing.T) {
		if _, err := us.Move(ctx, sys, d336.ID, c1.ID, 0); !errs.Is(err, errs.Validation) {
			t.Fatalf("move under a descendant: %v", err)
		}
		moved, err := us.Move(ctx, sys, d336.ID, p33.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if moved.ParentID != p33.ID || !slices.Equal(moved.Path, p33.Path.Child(d336.ID)) {
			t.Fatalf("moved: %+v", moved)
		}
		got, err := ms.Get(ctx, sys, m.ID)
		if err != nil || !slices.Equal(got.Path, p33.Path.Child(d336.ID).Child(c2.ID).Child(a2.ID)) {
			t.Fatalf("member after the move: %+v, %v", got, err)
		}
	})
	t.Run("merge with a code clash", func(t *testing.T) {
		res, err := us.Merge(ctx, sys, c1.ID, []string{c2.ID})
		if err != nil {
			t.Fatal(err)
		}
		if res.Moved != 2 || len(res.Recoded) != 1 || res.Recoded[0].UnitID != a2.ID || res.Recoded[0].NewCode != "A-12439" {
			t.Fatalf("merge: %+v", res)
		}
		src, _ := us.Get(ctx, sys, c2.ID)
		if src.Status != units.Closed || src.MergedInto != c1.ID {
			t.Fatalf("source: %+v", src)
		}
		kids, err := us.OpenChildren(ctx, sys, c1.ID, false, page.Request{Limit: 10})
		var codes []string
		for _, k := range kids.Items {
			codes = append(codes, k.Code)
		}
		if err != nil || !slices.Equal(codes, []string{"A", "A-12439", "B"}) {
			t.Fatalf("children of the target: %v, %v", codes, err)
		}
	})
	t.Run("close refused, allowed, reopened", func(t *testing.T) {
		if _, err := us.Close(ctx, sys, a2.ID, 0); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a branch with a member: %v", err)
		}
		closed, err := us.Close(ctx, sys, b2.ID, 0)
		if err != nil || closed.Status != units.Closed {
			t.Fatalf("an empty branch: %+v, %v", closed, err)
		}
		if _, err := us.Close(ctx, sys, c1.ID, 0); !errs.Is(err, errs.Conflict) {
			t.Fatalf("a commune with active branches: %v", err)
		}
		open := units.Active
		reopened, err := us.Update(ctx, sys, b2.ID, units.Patch{Status: &open}, 0)
		if err != nil || reopened.Status != units.Active {
			t.Fatalf("reopened: %+v, %v", reopened, err)
		}
	})
	if rec.Counts()["update"] == 0 {
		t.Fatal("no update recorded: the coverage check below proves nothing")
	}
	for _, problem := range rec.Uncovered(store.Indexes) {
		t.Error(problem)
	}
	checkShardPlan(t, rec, false)
}
