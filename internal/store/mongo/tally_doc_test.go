package mongo

import (
	"reflect"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/scholarships"
)

// A tally survives BSON with every field, so a field added to
// rollups.Tally and forgotten in tallyDoc fails here rather than
// silently counting zero in production.
func TestTallyDocRoundTrip(t *testing.T) {
	in := rollups.Tally{Active: 1, Female: 2, Male: 3, Left: 4, Deceased: 5,
		ByBirthYear: map[int]int{0: 1, 1960: 6}, ByJoinYear: map[int]int{2021: 7},
		Joined: 8, TransferredIn: 9, TransferredOut: 10, Branches: 11,
		Terms:     map[string]int{"2021-06-01|": 12, "2016-06-01|2021-05-31": 1},
		PostsFrom: map[string]int{"2021-06-01": 13}, PostsTo: map[string]int{"2026-05-31": 14},
		Learning: learning.Contribution{"family|2025|2025-04-01": 15},
		Fund:     fund.Contribution{In: map[string]int64{"2025-01-10": 16_000_000}, Out: map[string]int64{"2025-05-30": 1_500_000}},
		Awards:   scholarships.Contribution{Count: map[string]int{"primary|2025-05-30": 17}, Amount: map[string]int64{"2025-05-30": 1_500_000}},
		Overflow: true}
	v := reflect.ValueOf(in)
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).IsZero() {
			t.Fatalf("the fixture leaves Tally.%s zero: set it", v.Type().Field(i).Name)
		}
	}
	raw, err := bson.Marshal(toTallyDoc(&in))
	if err != nil {
		t.Fatal(err)
	}
	var d tallyDoc
	if err := bson.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	out, err := d.tally()
	if err != nil || !reflect.DeepEqual(out, in) {
		t.Fatalf("round trip: %+v %v, want %+v", out, err, in)
	}
	if _, err := (&tallyDoc{ByJoinYear: map[string]int{"x": 1}}).tally(); err == nil {
		t.Fatal("a damaged year key must be an error")
	}
}
