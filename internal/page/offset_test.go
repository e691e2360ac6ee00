package page

import "testing"

func TestIsOffset(t *testing.T) {
	for key, want := range map[string]bool{
		"1": true, "50": true, "999999999": true,
		"": false, "0": false, "-5": false, "+5": false, "05": false, "5e3": false, " 5": false,
		"1000000000": false, "99999999999999999999": false,
	} {
		if got := IsOffset(key); got != want {
			t.Errorf("IsOffset(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestSliceClampsToTheList(t *testing.T) {
	all := []int{1, 2, 3}
	for _, tc := range []struct {
		cursor   string
		limit    int
		want     int
		wantNext string
	}{
		{"", 2, 2, EncodeOffset(2)},
		{EncodeOffset(2), 2, 1, ""},
		{EncodeOffset(999999999), 500, 0, ""},
	} {
		got, next := Slice(all, Request{Limit: tc.limit, Cursor: tc.cursor})
		if len(got) != tc.want || next != tc.wantNext {
			t.Errorf("Slice(cursor %q, limit %d) = %v, %q; want %d items, next %q", tc.cursor, tc.limit, got, next, tc.want, tc.wantNext)
		}
	}
}
