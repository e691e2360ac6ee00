package rollups

import "testing"

func TestMarkDayField(t *testing.T) {
	cases := []struct {
		m     Mark
		field string
	}{
		{Mark{Day: "2025-06-30"}, "2025-06-30"},
		{Mark{Day: ""}, ""},
		{Mark{Onward: true, From: "2025-01-31"}, "~2025-01-31"},
		{Mark{Onward: true}, "~"},
	}
	for _, c := range cases {
		if got := c.m.DayField(); got != c.field {
			t.Errorf("%+v: field %q, want %q", c.m, got, c.field)
		}
		var back Mark
		back.SetDayField(c.field)
		if back.Onward != c.m.Onward || back.From != c.m.From || back.Day != c.m.Day {
			t.Errorf("%q reads back as %+v, want %+v", c.field, back, c.m)
		}
	}
	// the onward marks covering a day are those from it or before
	for _, c := range []struct {
		day, from string
		in        bool
	}{
		{"2025-06-30", "2025-01-31", true}, {"2025-06-30", "2025-06-30", true}, {"2025-06-30", "2025-07-31", false},
		{"2025-06-30", "", true}, {"", "2030-12-31", true}, {"", "", true},
	} {
		lo, hi := OnwardFields(c.day)
		f := Mark{Onward: true, From: c.from}.DayField()
		if in := lo <= f && f <= hi; in != c.in || in != (Mark{Onward: true, From: c.from}).Covers(c.day) {
			t.Errorf("day %q, onward from %q: in range %v, want %v", c.day, c.from, in, c.in)
		}
	}
}
