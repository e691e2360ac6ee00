// Package civil is the calendar date without a time or zone: the day a
// member joined, left or was born. Written YYYY-MM-DD, which also sorts
// correctly as text in every store.
package civil

import (
	"cmp"
	"encoding/json"
	"fmt"
	"time"
)

// Date is a calendar day; the zero Date means "not given".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Parse reads YYYY-MM-DD and refuses days that do not exist (2023-02-29).
func Parse(s string) (Date, error) {
	if d, ok := parseDigits(s); ok {
		return d, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", s)
	}
	return Of(t), nil
}

// parseDigits reads a well-formed YYYY-MM-DD of a day that exists without
// time.Parse, which was 3 % of the server's CPU under load (every stored
// date of every row read goes through Parse). Anything else answers
// ok=false, and time.Parse decides (TestParseAgreesWithTimeParse).
func parseDigits(s string) (Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, false
	}
	n := func(from, to int) (int, bool) {
		v := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	y, ok1 := n(0, 4)
	m, ok2 := n(5, 7)
	d, ok3 := n(8, 10)
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(time.Month(m), y) {
		return Date{}, false
	}
	return Date{y, time.Month(m), d}, true
}

// daysIn is the number of days of month m of year (proleptic Gregorian,
// as time.Parse reckons).
func daysIn(m time.Month, year int) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// MustParse is Parse for constants in tests and tables.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Of is the date of t in t's location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Today is the date of now in Vietnam (UTC+7), where the association's days
// begin and end.
func Today(now time.Time) Date { return Of(now.In(vietnam)) }

var vietnam = time.FixedZone("ICT", 7*3600)

// IsZero reports whether the date was not given.
func (d Date) IsZero() bool { return d == Date{} }

// String is YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if !d.plain() {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
	var b [10]byte
	return string(d.appendTo(b[:0]))
}

// plain reports whether d's fields are each in their range (years 0-9999):
// such a date is written digit by digit, without fmt. Dates are written
// for every member of every list and counted in every recount (pprof,
// README "Load test"). Others (only a Date built by hand can be one) go
// through fmt and time, as before.
func (d Date) plain() bool {
	return d.Year >= 0 && d.Year <= 9999 && d.Month >= 1 && d.Month <= 12 && d.Day >= 1 && d.Day <= 31
}

// appendTo appends YYYY-MM-DD for a plain date.
func (d Date) appendTo(b []byte) []byte {
	y, m, dd := d.Year, int(d.Month), d.Day
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+dd/10), byte('0'+dd%10))
}

func (d Date) t() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// compare orders d and e: by their fields when both are real calendar
// days in range (the order of the fields is the order of the days), else
// through time, which normalises a day past its month's end.
func (d Date) compare(e Date) int {
	if d.plain() && e.plain() && d.Day <= daysIn(d.Month, d.Year) && e.Day <= daysIn(e.Month, e.Year) {
		return cmp.Or(cmp.Compare(d.Year, e.Year), cmp.Compare(d.Month, e.Month), cmp.Compare(d.Day, e.Day))
	}
	return d.t().Compare(e.t())
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.compare(e) > 0 }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return Of(d.t().AddDate(0, 0, n)) }

// MarshalJSON writes "YYYY-MM-DD" (or null for the zero date).
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	if !d.plain() {
		return json.Marshal(d.String())
	}
	b := make([]byte, 0, 12)
	b = append(b, '"')
	return append(d.appendTo(b), '"'), nil
}

// UnmarshalJSON reads "YYYY-MM-DD", "" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a date must be a string YYYY-MM-DD")
	}
	if s == nil || *s == "" {
		*d = Date{}
		return nil
	}
	v, err := Parse(*s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
