// Package page holds the cursor pagination rules shared by every list of the
// API: a limit (default 50, at most 500) and an opaque cursor that the server
// produced for the previous page.
package page

import (
	"encoding/base64"
	"strconv"
	"unicode/utf8"

	"github.com/sohoi/sohoi/internal/errs"
)

const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Request asks for one page.
type Request struct {
	Limit  int
	Cursor string // opaque; empty for the first page
}

// Key says whether a decoded cursor is a key the list that parses it could
// have issued (a unit code, a username, an offset…). A cursor is checked
// before any store or slice sees it, so that a forged one is a 400 and
// never a panic or a query on nonsense.
type Key func(key string) bool

// Parse validates the query values limit and cursor; the cursor must decode
// to a key that valid accepts.
func Parse(limit, cursor string, valid Key) (Request, error) {
	r := Request{Limit: DefaultLimit, Cursor: cursor}
	if limit != "" {
		n, err := strconv.Atoi(limit)
		if err != nil || n < 1 || n > MaxLimit {
			return r, (&errs.Fields{{Field: "limit", Message: "must be a whole number from 1 to 500"}}).Err()
		}
		r.Limit = n
	}
	if cursor != "" {
		key, err := Decode(cursor)
		if err != nil || key == "" || !utf8.ValidString(key) || !valid(key) {
			return r, (&errs.Fields{{Field: "cursor", Message: "is not a cursor this list issued"}}).Err()
		}
	}
	return r, nil
}

// Encode makes an opaque cursor from the sort key of the last item.
func Encode(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

// Decode reverses Encode.
func Decode(cursor string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	return string(b), err
}

// Result is one page of items; Next is empty on the last page.
type Result[T any] struct {
	Items []T
	Next  string
}
