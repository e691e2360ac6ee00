package sqlite

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/unitpath"
)

func TestTallyCacheAnswersOnlyTheTextItDecoded(t *testing.T) {
	var c tallyCache
	text := func(active int) string {
		b, err := json.Marshal(rollups.Tally{Active: active, ByBirthYear: map[int]int{1960: active}})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var got rollups.Tally
	for _, step := range []struct {
		name        string
		unit, day   string
		active      int
		wantDecoded int64
	}{
		{"first read decodes", "u1", "", 5, 1},
		{"the same text again does not", "u1", "", 5, 1},
		{"a changed tally is decoded again", "u1", "", 6, 2},
		{"another day is its own", "u1", "2024-12-31", 6, 3},
		{"another unit is its own", "u2", "", 6, 4},
		{"the changed tally, read again, does not", "u1", "", 6, 4},
	} {
		if err := c.decodeAt(step.unit, step.day, 0, text(step.active), &got); err != nil {
			t.Fatal(err)
		}
		if got.Active != step.active || got.ByBirthYear[1960] != step.active || c.decoded != step.wantDecoded {
			t.Fatalf("%s: active %d, by birth year %v, decoded %d; want %d, %d", step.name, got.Active,
				got.ByBirthYear, c.decoded, step.active, step.wantDecoded)
		}
		// The counting adds into what it is given: that must not reach the cache.
		got.ByBirthYear[1960] += 100
		got.Active += 100
	}
	if err := c.decodeAt("u1", "", 0, "{not json", &got); err == nil {
		t.Error("a damaged text decoded without an error")
	}

	big := strings.Repeat(" ", 1<<20) + text(1)
	for i := range 40 {
		if err := c.decodeAt("u"+string(rune('a'+i)), "", 0, big, &got); err != nil {
			t.Fatal(err)
		}
		if c.bytes > tallyCacheBytes {
			t.Fatalf("the cache holds %d bytes of text, over %d", c.bytes, tallyCacheBytes)
		}
	}
}

// ChildCounters reads the text of a tally only when it is new: the same
// tickets again decode nothing; a recount (a greater ticket) is read and
// decoded; a tally replaced under the ticket it had is read again; a
// deleted one is left out.
func TestChildCountersReadOnlyNewTallies(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	parent := unitpath.Path{"root", "p"}
	kids := []string{"a", "b", "c"}
	put := func(unit string, active int) {
		t.Helper()
		path := append(slices.Clone(parent), unit)
		tickets, err := db.TakeTickets(ctx, []rollups.TicketFor{{UnitID: unit, Path: path}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutCounters(ctx, []*rollups.Counter{{UnitID: unit, ParentID: "p", Path: path, Ticket: tickets[0],
			Tally: rollups.Tally{Active: active}}}); err != nil {
			t.Fatal(err)
		}
	}
	read := func(step string, want map[string]int, wantDecoded int64) {
		t.Helper()
		cs, err := db.ChildCounters(ctx, parent, "")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, c := range cs {
			got[c.UnitID] = c.Tally.Active
			c.Tally.Active += 1000 // the counting adds into them: not into the cache
		}
		if !maps.Equal(got, want) || db.tallies.decoded != wantDecoded {
			t.Fatalf("%s: %v with %d decoded, want %v with %d", step, got, db.tallies.decoded, want, wantDecoded)
		}
	}
	for i, k := range kids {
		put(k, i+1)
	}
	read("first read", map[string]int{"a": 1, "b": 2, "c": 3}, 3)
	read("again", map[string]int{"a": 1, "b": 2, "c": 3}, 3)
	put("b", 20)
	read("after b's recount", map[string]int{"a": 1, "b": 20, "c": 3}, 4)
	cs, _ := db.ChildCounters(ctx, parent, "")
	c := *cs[0]
	c.Tally = rollups.Tally{Active: 7}
	if err := db.ReplaceCounter(ctx, &c); err != nil { // the ticket it had
		t.Fatal(err)
	}
	read("after a's tally was replaced", map[string]int{"a": 7, "b": 20, "c": 3}, 5)
	// as DeleteCounters leaves them (it needs the unit's row for its range)
	if _, err := db.write.ExecContext(ctx, `UPDATE counters SET tally = NULL, ticket = max(bump, ticket) WHERE unit_id = 'c'`); err != nil {
		t.Fatal(err)
	}
	read("after c's were deleted", map[string]int{"a": 7, "b": 20}, 5)
}
