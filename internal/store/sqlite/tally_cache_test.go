package sqlite

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/rollups"
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
		if err := c.decode(step.unit, step.day, text(step.active), &got); err != nil {
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
	if err := c.decode("u1", "", "{not json", &got); err == nil {
		t.Error("a damaged text decoded without an error")
	}

	big := strings.Repeat(" ", 1<<20) + text(1)
	for i := range 40 {
		if err := c.decode("u"+string(rune('a'+i)), "", big, &got); err != nil {
			t.Fatal(err)
		}
		if c.bytes > tallyCacheBytes {
			t.Fatalf("the cache holds %d bytes of text, over %d", c.bytes, tallyCacheBytes)
		}
	}
}
