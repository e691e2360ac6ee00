package httpapi

import (
	"unicode/utf8"

	"github.com/sohoi/sohoi/internal/errs"
)

// checkLoginBody applies LoginRequest of the description: both fields are
// required and bounded. A body without a password is a malformed request
// (400), not a wrong guess: it is neither checked nor counted against the
// account.
func checkLoginBody(username, password string) error {
	var f errs.Fields
	switch n := utf8.RuneCountInString(username); {
	case n == 0:
		f.Add("username", "is required")
	case n > 64:
		f.Add("username", "must be at most 64 characters")
	}
	switch n := utf8.RuneCountInString(password); {
	case n == 0:
		f.Add("password", "is required")
	case n > 128:
		f.Add("password", "must be at most 128 characters")
	}
	return f.Err()
}

// checkRefreshBody applies RefreshRequest: refreshToken is required. A
// body without one is malformed (400), not a bad token (401), and a logout
// without one does not pretend to have logged anything out (204).
func checkRefreshBody(token string) error {
	if token == "" {
		return (errs.Fields{{Field: "refreshToken", Message: "is required"}}).Err()
	}
	return nil
}
