package mongo_test

import (
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/sohoi/sohoi/internal/rollups"
)

// The counter document as mongosh shows it: keyed by its province
// ("<province>|<unit>|<day>", docs/sharding.md §3), year keys as strings,
// a ticket alone with ticket 0 and no tally, and bump never below the
// stored ticket (what keeps the next ticket newer than a repaired or
// damaged one).
func TestCounterDocumentShape(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	db := openStoreIn(t, ferretURI, name, nil)
	coll := connect(t, ferretURI).Database(name).Collection("counters")
	get := func(id string) bson.Raw {
		t.Helper()
		doc, err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
		if err != nil {
			t.Fatalf("counter %s: %v", id, err)
		}
		return doc
	}
	take := func(unit string) (int64, error) {
		ts, err := db.TakeTickets(ctx, []rollups.TicketFor{{UnitID: unit, Day: "2025-06-30", Path: []string{"root", unit}}})
		if err != nil {
			return 0, err
		}
		return ts[0], nil
	}
	if _, err := take("u1"); err != nil {
		t.Fatal(err)
	}
	d := get("u1|u1|2025-06-30") // the unit at [root u1] is a province: its own
	if p, _ := d.Lookup("province").StringValueOK(); p != "u1" {
		t.Errorf("province %q, want u1: %s", p, d)
	}
	if n, ok := d.Lookup("ticket").AsInt64OK(); !ok || n != 0 {
		t.Errorf("a fresh ticket document must hold ticket 0: %s", d)
	}
	if _, err := d.LookupErr("tally"); err == nil {
		t.Errorf("a ticket is not a tally: %s", d)
	}
	c := &rollups.Counter{UnitID: "u1", ParentID: "root", Path: []string{"root", "u1"}, Day: "2025-06-30", Ticket: 500,
		Tally: rollups.Tally{Active: 2, ByBirthYear: map[int]int{1960: 2}}}
	if n, err := db.PutCounters(ctx, []*rollups.Counter{c}); n != 1 || err != nil {
		t.Fatalf("put: %v %v", n, err)
	}
	d = get("u1|u1|2025-06-30")
	if n, _ := d.Lookup("tally", "byBirthYear", "1960").AsInt64OK(); n != 2 {
		t.Errorf("byBirthYear must be keyed by the year as a string: %s", d)
	}
	if n, _ := d.Lookup("bump").AsInt64OK(); n < 500 {
		t.Errorf("bump %d is below the stored ticket 500", n)
	}
	if next, _ := take("u1"); next <= 500 {
		t.Errorf("ticket %d after a stored ticket 500", next)
	}
	// PutCounters with no ticket document stores nothing, as in SQLite.
	if n, err := db.PutCounters(ctx, []*rollups.Counter{{UnitID: "u2", Day: "", Ticket: 1}}); n != 0 || err != nil {
		t.Errorf("put without a ticket: %v %v", n, err)
	}
}

// Concurrent tickets and markings each get their own number. Only on a
// real MongoDB: FerretDB v1 does not make findAndModify atomic.
func TestConcurrentTicketsAndMarks(t *testing.T) {
	uri := mongoURI(t)
	ctx := testCtx(t)
	db := openStore(t, uri, nil)
	const racers = 8
	distinct := func(what string, take func() (int64, error)) {
		t.Helper()
		var mu sync.Mutex
		var wg sync.WaitGroup
		seen := map[int64]bool{}
		for range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := take()
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Error(err)
				}
				seen[n] = true
			}()
		}
		wg.Wait()
		if len(seen) != racers {
			t.Errorf("%d racers got %d distinct %s: %v", racers, len(seen), what, seen)
		}
	}
	// A fresh _id each round, so that the racers also race to insert it.
	for round := range 5 {
		unit := string(rune('a' + round))
		distinct("tickets", func() (int64, error) {
			ts, err := db.TakeTickets(ctx, []rollups.TicketFor{{UnitID: unit, Path: []string{"root", unit}}})
			if err != nil {
				return 0, err
			}
			return ts[0], nil
		})
		distinct("generations", func() (int64, error) {
			ms, err := db.MarkStale(ctx, []rollups.Mark{{UnitID: unit, Path: []string{unit}}})
			if err != nil {
				return 0, err
			}
			return ms[0].Gen, nil
		})
	}
}
