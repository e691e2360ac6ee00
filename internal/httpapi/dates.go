package httpapi

import (
	"encoding/json"

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

// dateInput is an optional date of a body (DateInput in the description):
// left out, null, "" or YYYY-MM-DD. null is "no date", as in every answer:
// on creation the same as leaving the field out, on PATCH it clears the
// date like "" (a *string could not tell null from left out).
type dateInput struct {
	sent bool
	text string
}

func (d *dateInput) UnmarshalJSON(b []byte) error {
	d.sent = true
	if string(b) == "null" {
		d.text = ""
		return nil
	}
	return json.Unmarshal(b, &d.text)
}

// date is the date sent, or zero for none.
func (d dateInput) date(f *errs.Fields, field string) civil.Date { return dateField(f, field, &d.text) }

// patch is the date to set on PATCH: nil when the field was left out, zero
// to clear it.
func (d dateInput) patch(f *errs.Fields, field string) *civil.Date {
	if !d.sent {
		return nil
	}
	return datePatch(f, field, &d.text)
}
