package mongo_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/rollups"
	store "github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/store/mongo/mongotest"
	"github.com/sohoi/sohoi/internal/units"
)

// A database whose members were written before they were keyed by
// province (_id the member id, no province, memberId or kind, no stubs) is
// brought to the sharding plan's layout by the data step on the next
// start: twice over, and after a run stopped between a copy and its
// delete, without harm. Every member is then read as before, with its
// history; a member who had left a province has a stub there; the rollups
// equal those before, and a reconcile finds nothing to repair.
func TestMembersRekeyedByProvince(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	db := openStoreIn(t, ferretURI, name, nil)
	now := func() time.Time { return time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC) }
	sys := access.System("test")
	rs, us, ms := services(db, now)
	root, mk := unitMaker(t, ctx, us)
	p34, p33 := mk(root, units.Province, "34"), mk(root, units.Province, "33")
	a := mk(mk(p34, units.District, "336"), units.Branch, "A")
	b := mk(p33, units.Branch, "B")
	var ids []string
	for i, branch := range []*units.Unit{a, a, b} {
		m, err := ms.Create(ctx, sys, branch.ID, members.Input{FullName: "Người " + string(rune('A'+i)), Gender: members.Female,
			BirthDate: civil.Date{Year: 1980, Month: 5, Day: 17}, JoinedOn: civil.Date{Year: 2020, Month: 1, Day: 1},
			NationalID: fmt.Sprintf("0341800077%02d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	if _, err := ms.Transfer(ctx, sys, ids[1], b.ID, civil.Date{Year: 2025, Month: 3, Day: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Reconcile(ctx, sys, root); err != nil {
		t.Fatal(err)
	}
	state := func(d *store.DB) string {
		t.Helper()
		out := ""
		for _, id := range ids {
			m, err := d.GetMember(ctx, id, members.Everywhere)
			if err != nil {
				t.Fatal(err)
			}
			h, err := d.MemberHistory(ctx, id, members.InProvinces(m.Path.Province()))
			if err != nil {
				t.Fatal(err)
			}
			out += fmt.Sprintf("%+v\n", *m)
			for _, ev := range h {
				out += fmt.Sprintf("  %+v\n", *ev)
			}
		}
		return out
	}
	rollup := func() *rollups.Rollup {
		t.Helper()
		r, err := rs.Rollup(ctx, sys, root.ID, civil.Date{})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	before, beforeRollup := state(db), rollup()

	// Back to the old layout, as an older sohoi wrote it: one document per
	// member under its id, no stubs; the first member both ways, as a run
	// stopped between its copy and its delete leaves it.
	raw := connect(t, ferretURI).Database(name)
	coll := raw.Collection("members")
	cur, err := coll.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: ""}}}})
	if err != nil {
		t.Fatal(err)
	}
	var docs []bson.D
	if err := cur.All(ctx, &docs); err != nil {
		t.Fatal(err)
	}
	for _, doc := range docs {
		var id, key, kind string
		old := bson.D{}
		for _, e := range doc {
			switch e.Key {
			case "_id":
				key = e.Value.(string)
			case "memberId":
				id = e.Value.(string)
			case "kind":
				kind = e.Value.(string)
			case "province":
			default:
				old = append(old, e)
			}
		}
		if _, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}}); err != nil {
			t.Fatal(err)
		}
		if kind == "stub" {
			continue
		}
		if _, err := coll.InsertOne(ctx, append(bson.D{{Key: "_id", Value: id}}, old...)); err != nil {
			t.Fatal(err)
		}
		if id == ids[0] {
			if _, err := coll.InsertOne(ctx, doc); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := coll.Indexes().DropOne(ctx, "province_1_memberId_1"); err != nil {
		t.Fatal(err)
	}

	for run := range 2 {
		if _, err := raw.Collection("migrations").DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{
			"data members.province", "index members.province_1_memberId_1"}}}}}); err != nil {
			t.Fatal(err)
		}
		rec := mongotest.NewRecorder()
		again, err := store.Open(ctx, store.Options{URI: ferretURI, Database: name, Monitor: rec.Monitor()})
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		for _, p := range rec.Uncovered(store.Indexes) {
			t.Errorf("run %d: %s", run, p)
		}
		checkShardPlan(t, rec, false)
		var got []string
		cur, err := coll.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: ""}}}})
		if err != nil {
			t.Fatal(err)
		}
		var now []struct {
			ID       string `bson:"_id"`
			MemberID string `bson:"memberId"`
			Province string `bson:"province"`
			Kind     string `bson:"kind"`
		}
		if err := cur.All(ctx, &now); err != nil {
			t.Fatal(err)
		}
		for _, d := range now {
			got = append(got, d.Kind+" "+d.ID)
			if d.ID != d.Province+":"+d.MemberID {
				t.Errorf("run %d: %+v", run, d)
			}
		}
		slices.Sort(got)
		want := []string{"live " + p34.ID + ":" + ids[0], "live " + p33.ID + ":" + ids[1], "live " + p33.ID + ":" + ids[2], "stub " + p34.ID + ":" + ids[1]}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("run %d: members\n%v, want\n%v", run, got, want)
		}
		again.Close()
	}

	after := openStoreIn(t, ferretURI, name, nil)
	rs, _, _ = services(after, now)
	if got := state(after); got != before {
		t.Errorf("members after the step:\n%s\nwant\n%s", got, before)
	}
	if got := rollup(); got.Totals != beforeRollup.Totals {
		t.Errorf("rollup after the step: %+v, want %+v", got.Totals, beforeRollup.Totals)
	}
	if everyone, err := after.BranchEveryone(ctx, a.Path); err != nil || len(everyone) != 2 {
		t.Errorf("branch A after the step: %d members, %v", len(everyone), err)
	}
	r, err := rs.Reconcile(ctx, sys, root)
	if err != nil || len(r.Repairs) != 0 {
		t.Fatalf("reconcile after the step: %+v %v", r, err)
	}
}
