package httpapi

import (
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
)

// dateField parses an optional YYYY-MM-DD request field, recording a
// problem with its name: dates are taken as strings so that a bad one is
// reported against its field, not as unreadable JSON.
func dateField(f *errs.Fields, field string, s *string) civil.Date {
	if s == nil || *s == "" {
		return civil.Date{}
	}
	d, err := civil.Parse(*s)
	if err != nil {
		f.Add(field, "must be a real date written YYYY-MM-DD")
	}
	return d
}

// datePatch is dateField for PATCH: nil when the field was not sent.
func datePatch(f *errs.Fields, field string, s *string) *civil.Date {
	if s == nil {
		return nil
	}
	d := dateField(f, field, s)
	return &d
}
