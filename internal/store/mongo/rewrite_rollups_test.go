package mongo_test

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// A district given to another province moves its counters and marks under
// the new province's keys by copy, then delete (docs/sharding.md §5.4). A
// rewrite stopped between the two, and run again, deletes the old copies
// and keeps the new ones as they are, even one written since under the new
// key.
func TestRollupsMoveProvinceAfterACrash(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	db := openStoreIn(t, ferretURI, name, nil)
	t0 := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	unit := func(id string, parent *units.Unit, level units.Level) *units.Unit {
		u := &units.Unit{ID: id, Path: unitpath.Path{id}, Level: level, Name: id, Code: id, Status: units.Active, Version: 1, CreatedAt: t0, UpdatedAt: t0}
		if parent != nil {
			u.ParentID, u.Path = parent.ID, parent.Path.Child(id)
		}
		if err := db.CreateUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	root := unit(units.RootID, nil, units.Central)
	p34, p33 := unit("p000000000000034", root, units.Province), unit("p000000000000033", root, units.Province)
	d := unit("d000000000000336", p34, units.District)
	a := unit("b00000000000000a", d, units.Branch)
	ts, err := db.TakeTickets(ctx, []rollups.TicketFor{{UnitID: a.ID, Path: a.Path}})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.PutCounters(ctx, []*rollups.Counter{{UnitID: a.ID, ParentID: d.ID, Path: a.Path, Ticket: ts[0], Tally: rollups.Tally{Active: 3}}}); n != 1 || err != nil {
		t.Fatalf("put: %d %v", n, err)
	}
	if _, err := db.MarkStale(ctx, []rollups.Mark{{UnitID: a.ID, Path: a.Path, Onward: true, Change: "c1", Stored: true}}); err != nil {
		t.Fatal(err)
	}
	raw := connect(t, ferretURI).Database(name)
	olds := map[string]bson.D{}
	for _, coll := range []string{"counters", "staleMarks"} {
		var doc bson.D
		if err := raw.Collection(coll).FindOne(ctx, bson.D{{Key: "province", Value: p34.ID}, {Key: "path", Value: a.ID}}).Decode(&doc); err != nil {
			t.Fatalf("%s of the branch before the move: %v", coll, err)
		}
		olds[coll] = doc
	}

	from, to := d.Path, p33.Path.Child(d.ID)
	rewrite := func(after string) {
		t.Helper()
		for after := after; ; {
			next, err := db.RewritePaths(ctx, from, to, after, 0)
			if err != nil {
				t.Fatal(err)
			}
			if next == "" {
				return
			}
			after = next
		}
	}
	rewrite("")
	newA := to.Child(a.ID)
	// The state a crash between the copy and the delete leaves, with the
	// copy written since (a recount under the new path).
	for coll, doc := range olds {
		if _, err := raw.Collection(coll).InsertOne(ctx, doc); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := raw.Collection("counters").UpdateOne(ctx, bson.D{{Key: "province", Value: p33.ID}, {Key: "_id", Value: p33.ID + "|" + a.ID + "|"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "tally.active", Value: 4}}}}); err != nil {
		t.Fatal(err)
	}
	if c, err := db.GetCounter(ctx, newA, ""); err != nil || c.Tally.Active != 4 {
		t.Fatalf("between the copy and the delete, the unit's tally: %+v %v", c, err)
	}
	rewrite("counters:")

	for coll := range olds {
		if n, err := raw.Collection(coll).CountDocuments(ctx, bson.D{{Key: "province", Value: p34.ID}, {Key: "_id", Value: bson.D{{Key: "$gte", Value: ""}}}}); err != nil || n != 0 {
			t.Errorf("%s left in the old province: %d (%v)", coll, n, err)
		}
	}
	if c, err := db.GetCounter(ctx, newA, ""); err != nil || c.Tally.Active != 4 || c.Path.Key() != newA.Key() {
		t.Errorf("the copy after the resumed rewrite: %+v %v (want the tally written since kept)", c, err)
	}
	if ms, err := db.MarksUnder(ctx, p33.Path, ""); err != nil || len(ms) != 1 || ms[0].Path.Key() != newA.Key() {
		t.Errorf("marks under the new province: %+v %v", ms, err)
	}
	if ms, err := db.MarksUnder(ctx, p34.Path, ""); err != nil || len(ms) != 0 {
		t.Errorf("marks under the old province: %+v %v", ms, err)
	}
}
