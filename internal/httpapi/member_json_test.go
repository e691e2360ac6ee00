package httpapi

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
)

// memberJSON writes dates and times as text itself; the JSON must be the
// JSON the types' own marshallers wrote, for dates set and unset.
func TestMemberJSONWritesDatesAsTheirMarshallersDo(t *testing.T) {
	at := time.Date(2026, 12, 4, 9, 30, 15, 123456789, time.UTC)
	for _, m := range []*members.Member{
		{ID: "m1", BirthDate: civil.MustParse("1950-02-03"), JoinedOn: civil.MustParse("2020-01-01"), LeftOn: civil.MustParse("2025-07-01"),
			CreatedAt: at, UpdatedAt: at.Add(time.Second)},
		{ID: "m2", CreatedAt: at.Truncate(time.Second), UpdatedAt: at.Truncate(time.Millisecond)},
	} {
		got, err := json.Marshal(toMemberJSON(m))
		if err != nil {
			t.Fatal(err)
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(got, &fields); err != nil {
			t.Fatal(err)
		}
		for name, v := range map[string]any{"birthDate": m.BirthDate, "joinedOn": m.JoinedOn, "leftOn": m.LeftOn,
			"createdAt": m.CreatedAt, "updatedAt": m.UpdatedAt} {
			want, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if string(fields[name]) != string(want) {
				t.Errorf("%s: %s = %s, want %s", m.ID, name, fields[name], want)
			}
		}
	}
}
