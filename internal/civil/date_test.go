package civil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
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

// Parse's fast path answers exactly what time.Parse does: the same day for
// every string it accepts, and no day for one it refuses.
func TestParseAgreesWithTimeParse(t *testing.T) {
	for _, s := range []string{
		"2024-02-29", "2023-02-29", "2023-02-28", "2000-02-29", "1900-02-29", "2025-12-31", "2025-13-01",
		"2025-00-10", "2025-01-00", "2025-01-32", "2025-04-31", "2025-04-30", "0000-01-01", "9999-12-31",
		"2025-1-01", "2025-01-1", "20250101", "2025/01/01", " 2025-01-01", "2025-01-01 ", "2025-0a-01",
		"+025-01-01", "-025-01-01", "2025-+1-01", "", "2025-01-01T00:00:00Z", "١٢٣٤-01-01",
	} {
		want, wantErr := time.Parse(time.DateOnly, s)
		got, err := Parse(s)
		if (err != nil) != (wantErr != nil) {
			t.Errorf("Parse(%q): error %v, time.Parse: %v", s, err, wantErr)
			continue
		}
		if err == nil && got != Of(want) {
			t.Errorf("Parse(%q) = %v, time.Parse: %v", s, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("2024-02-29")
	f.Add("2023-02-29")
	f.Add("2025-13-01")
	f.Fuzz(func(t *testing.T, s string) {
		want, wantErr := time.Parse(time.DateOnly, s)
		got, err := Parse(s)
		if (err != nil) != (wantErr != nil) || (err == nil && got != Of(want)) {
			t.Fatalf("Parse(%q) = %v, %v; time.Parse: %v, %v", s, got, err, want, wantErr)
		}
	})
}

func TestDaysInAgreesWithTime(t *testing.T) {
	for _, y := range []int{0, 1, 4, 100, 400, 1900, 2000, 2023, 2024, 2100, 9999} {
		for m := time.January; m <= time.December; m++ {
			if got, want := daysIn(m, y), time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); got != want {
				t.Errorf("daysIn(%s, %d) = %d, want %d", m, y, got, want)
			}
		}
	}
}

// oldString and oldCompare are how String, MarshalJSON, Before and After
// were computed before their fast paths: the fast paths must agree with
// them on every date, in range or not.
func oldString(d Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

func oldCompare(d, e Date) int { return d.t().Compare(e.t()) }

func TestFastPathsAgreeWithTime(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 12))
	edge := []Date{{}, {Year: 2024, Month: 2, Day: 29}, {Year: 2023, Month: 2, Day: 29}, {Year: 2025, Month: 4, Day: 31},
		{Year: 2025, Month: 5, Day: 1}, {Year: 0, Month: 1, Day: 1}, {Year: 9999, Month: 12, Day: 31}, {Year: 10000, Month: 1, Day: 1},
		{Year: -1, Month: 12, Day: 31}, {Year: 2025, Month: 13, Day: 1}, {Year: 2025, Month: 0, Day: 10}, {Year: 2025, Month: 1, Day: 0},
		{Year: 2025, Month: 12, Day: 32}, {Year: 1900, Month: 2, Day: 29}, {Year: 2000, Month: 2, Day: 29}}
	random := func() Date {
		return Date{Year: 1890 + r.IntN(150), Month: time.Month(r.IntN(14)), Day: r.IntN(33)}
	}
	dates := slices.Clone(edge)
	for range 5000 {
		dates = append(dates, random())
	}
	for i, d := range dates {
		if got, want := d.String(), oldString(d); got != want {
			t.Fatalf("%#v.String() = %q, want %q", d, got, want)
		}
		got, err := d.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		want := []byte("null")
		if !d.IsZero() {
			want, _ = json.Marshal(oldString(d))
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%#v.MarshalJSON() = %s, want %s", d, got, want)
		}
		for _, e := range []Date{dates[(i+1)%len(dates)], dates[r.IntN(len(dates))], d, d.AddDays(1)} {
			if got, want := d.compare(e), oldCompare(d, e); got != want {
				t.Fatalf("compare(%#v, %#v) = %d, want %d", d, e, got, want)
			}
			if d.Before(e) != (oldCompare(d, e) < 0) || d.After(e) != (oldCompare(d, e) > 0) {
				t.Fatalf("Before/After(%#v, %#v) disagree with time", d, e)
			}
		}
	}
}
