package civil

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in string
		ok bool
	}{
		{"2022-07-02", true},
		{"2024-02-29", true},
		{"2023-02-29", false},
		{"02/07/2022", false},
		{"2022-7-2", false},
		{"", false},
	}
	for _, c := range cases {
		d, err := Parse(c.in)
		if (err == nil) != c.ok {
			t.Errorf("Parse(%q) err=%v", c.in, err)
		}
		if c.ok && d.String() != c.in {
			t.Errorf("round trip %q → %q", c.in, d)
		}
	}
}

func TestTodayIsVietnamese(t *testing.T) {
	// 18:30 UTC on 30 June is already 1 July in Vietnam.
	if got := Today(time.Date(2025, 6, 30, 18, 30, 0, 0, time.UTC)); got != MustParse("2025-07-01") {
		t.Fatalf("got %s", got)
	}
}

func TestJSON(t *testing.T) {
	var v struct{ D Date }
	if err := json.Unmarshal([]byte(`{"D":"2025-07-01"}`), &v); err != nil || v.D != MustParse("2025-07-01") {
		t.Fatal(v, err)
	}
	if err := json.Unmarshal([]byte(`{"D":"2025-02-30"}`), &v); err == nil {
		t.Fatal("accepted 30 February")
	}
	if err := json.Unmarshal([]byte(`{"D":null}`), &v); err != nil || !v.D.IsZero() {
		t.Fatal(v, err)
	}
	b, _ := json.Marshal(struct{ D Date }{})
	if string(b) != `{"D":null}` {
		t.Fatal(string(b))
	}
}
