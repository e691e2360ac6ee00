// Package errs is the one error type of sohoi: every failure that a caller
// may see carries a stable Code from API.md, a human detail, and for
// validation the fields at fault. The HTTP adapter maps codes to statuses in
// one table; everything else only creates and wraps these errors.
package errs

import (
	"fmt"
)

// Code is a stable, machine-readable error string of the public contract.
type Code string

const (
	Validation          Code = "validation_failed"
	NotFound            Code = "not_found"
	Conflict            Code = "conflict"
	DuplicateNationalID Code = "duplicate_national_id"
	VersionMismatch     Code = "version_mismatch"
	Forbidden           Code = "forbidden"
	Unauthenticated     Code = "unauthenticated"
	InvalidCredentials  Code = "invalid_credentials"
	TooManyRequests     Code = "too_many_requests"
	PayloadTooLarge     Code = "payload_too_large"
	UnsupportedMedia    Code = "unsupported_media_type"
	MethodNotAllowed    Code = "method_not_allowed"
	HeaderTooLarge      Code = "header_too_large"
	Internal            Code = "internal"
	// Busy: the server will not start more heavy work now (past-day
	// figures); retry after RetryAfterSeconds.
	Busy Code = "server_busy"
	// InsufficientStorage: the database cannot store the change (its disk
	// is full); nothing was changed.
	InsufficientStorage Code = "insufficient_storage"
	// IdempotencyKeyReused: an Idempotency-Key sent again with another
	// request than the one it was first sent with.
	IdempotencyKeyReused Code = "idempotency_key_reused"
)

// FieldError names one invalid input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a failure with a code a client can act on.
type Error struct {
	Code   Code
	Detail string
	Fields []FieldError
	// RetryAfterSeconds is set on TooManyRequests and Busy.
	RetryAfterSeconds int
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s %v", e.Code, e.Detail, e.Fields)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Detail)
}

// E builds an Error with a formatted detail.
func E(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of the first *Error in err's chain (or of a
// driver error a classifier recognises), or Internal.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	if e := As(err); e != nil {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }

// Wrap adds context to *errp on the way up while keeping its code:
//
//	defer errs.Wrap(&err, "units.Create(%s)", id)
func Wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}

// Fields collects validation problems; Err returns nil when there are none.
type Fields []FieldError

// Add records a problem with one field.
func (f *Fields) Add(field, format string, args ...any) {
	*f = append(*f, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err is a validation_failed error listing the fields, or nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: Validation, Detail: "the request has invalid fields", Fields: f}
}
