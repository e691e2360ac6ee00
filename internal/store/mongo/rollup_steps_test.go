package mongo_test

import (
	"slices"
	"strings"
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

// A database whose counters and stale marks were written before they were
// keyed by province (_id "<unit>|<day>", no province field) is brought to
// the sharding plan's layout by the data step on the next start, twice
// over without harm: every document is there once, under its province,
// the pending mark still pending, and the stored tallies equal a recount
// (reconcile finds nothing to repair).
func TestCountersAndMarksRekeyedByProvince(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	db := openStoreIn(t, ferretURI, name, nil)
	now := func() time.Time { return time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC) }
	sys := access.System("test")
	rs, us, ms := services(db, now)
	root, mk := unitMaker(t, ctx, us)
	p34, p33 := mk(root, units.Province, "34"), mk(root, units.Province, "33")
	a := mk(mk(mk(p34, units.District, "336"), units.Commune, "12436"), units.Branch, "A")
	b := mk(mk(p33, units.District, "330"), units.Branch, "B")
	for i, branch := range []*units.Unit{a, a, b} {
		if _, err := ms.Create(ctx, sys, branch.ID, members.Input{FullName: "Người " + string(rune('A'+i)), Gender: members.Female,
			BirthDate: civil.Date{Year: 1980, Month: 5, Day: 17}, JoinedOn: civil.Date{Year: 2020, Month: 1, Day: 1}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := rs.Reconcile(ctx, sys, root); err != nil { // every live tally stored
		t.Fatal(err)
	}
	if _, err := rs.CloseMonth(ctx, sys, root, civil.Date{Year: 2026, Month: 4, Day: 30}); err != nil { // a kept day
		t.Fatal(err)
	}
	// A change whose recount is not done: its mark must survive the step.
	if _, err := db.MarkStale(ctx, []rollups.Mark{{UnitID: a.ID, Path: a.Path, Onward: true, Change: "pending-change", Stored: true}}); err != nil {
		t.Fatal(err)
	}
	before, err := rs.Rollup(ctx, sys, root.ID, civil.Date{})
	if err != nil || before.Totals.ActiveMembers != 3 {
		t.Fatalf("before: %+v %v", before, err)
	}

	// Back to the old layout, as an older sohoi wrote it.
	raw := connect(t, ferretURI).Database(name)
	want := map[string]map[string]bool{} // collection → the new _ids
	for _, coll := range []string{"counters", "staleMarks"} {
		want[coll] = map[string]bool{}
		cur, err := raw.Collection(coll).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: ""}}}})
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.D
		if err := cur.All(ctx, &docs); err != nil {
			t.Fatal(err)
		}
		if len(docs) == 0 {
			t.Fatalf("no %s to take back to the old layout", coll)
		}
		for _, doc := range docs {
			var id string
			old := bson.D{}
			for _, e := range doc {
				switch e.Key {
				case "_id":
					id = e.Value.(string)
				case "province":
				default:
					old = append(old, e)
				}
			}
			want[coll][id] = true
			_, oldID, _ := strings.Cut(id, "|")
			if _, err := raw.Collection(coll).InsertOne(ctx, append(bson.D{{Key: "_id", Value: oldID}}, old...)); err != nil {
				t.Fatal(err)
			}
			if coll == "counters" && len(want[coll]) == 1 {
				continue // both kept: a step stopped by a crash between its copy and its delete
			}
			if _, err := raw.Collection(coll).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
				t.Fatal(err)
			}
		}
	}

	for run := range 2 {
		if _, err := raw.Collection("migrations").DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{
			"data counters.province", "data staleMarks.province"}}}}}); err != nil {
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
		for coll, ids := range want {
			cur, err := raw.Collection(coll).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: ""}}}})
			if err != nil {
				t.Fatal(err)
			}
			var docs []struct {
				ID       string `bson:"_id"`
				Province string `bson:"province"`
			}
			if err := cur.All(ctx, &docs); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range docs {
				got = append(got, d.ID)
				if !ids[d.ID] || !strings.HasPrefix(d.ID, d.Province+"|") {
					t.Errorf("run %d: %s %s (province %q) is not one of the documents before", run, coll, d.ID, d.Province)
				}
			}
			if len(got) != len(ids) {
				t.Errorf("run %d: %s holds %d documents, want %d: %v", run, coll, len(got), len(ids), got)
			}
		}
		again.Close()
	}

	after := openStoreIn(t, ferretURI, name, nil)
	rs, _, _ = services(after, now)
	if ms, err := after.MarksUnder(ctx, a.Path, ""); err != nil || len(ms) != 1 || ms[0].Change != "pending-change" {
		t.Fatalf("the pending mark after the step: %+v %v", ms, err)
	}
	got, err := rs.Rollup(ctx, sys, root.ID, civil.Date{})
	if err != nil || got.Totals != before.Totals || !slices.EqualFunc(got.Children, before.Children, func(x, y rollups.Row) bool { return x.Totals == y.Totals }) {
		t.Fatalf("after the step: %+v (%v), want %+v", got, err, before)
	}
	if kept, err := after.GetCounter(ctx, p33.Path, "2026-04-30"); err != nil || kept.Tally.Active != 1 {
		t.Fatalf("the kept day's tally of province 33: %+v %v", kept, err)
	}
	r, err := rs.Reconcile(ctx, sys, root)
	if err != nil || len(r.Repairs) != 0 || r.Checked == 0 {
		t.Fatalf("reconcile after the step: %+v %v", r, err)
	}
}
