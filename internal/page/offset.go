package page

import (
	"strconv"
)

// maxOffsetDigits bounds an offset cursor: lists cut by offset are short
// lists read whole (a member's history, a unit's posts), and a bound keeps
// from+limit far from overflowing.
const maxOffsetDigits = 9

// IsOffset is the Key of lists cut by offset: a positive whole number in
// plain decimal, as EncodeOffset writes it ("-5", "+5", "05" and "5e3"
// were never issued).
func IsOffset(key string) bool {
	if key == "" || len(key) > maxOffsetDigits || key[0] == '0' {
		return false
	}
	for _, r := range key {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// EncodeOffset is the cursor of the page starting at offset n.
func EncodeOffset(n int) string { return Encode(strconv.Itoa(n)) }

// Slice is the page of a whole list that p asks for, and the cursor of the
// next one. p must have been checked by Parse with IsOffset; an offset past
// the end (the list shrank since the cursor was issued) is an empty page.
func Slice[T any](all []T, p Request) ([]T, string) {
	from := 0
	if p.Cursor != "" {
		key, _ := Decode(p.Cursor)
		from, _ = strconv.Atoi(key)
	}
	from = min(max(from, 0), len(all))
	to := min(from+p.Limit, len(all))
	next := ""
	if to < len(all) {
		next = EncodeOffset(to)
	}
	return all[from:to], next
}
