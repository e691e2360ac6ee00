package imports

import (
	"errors"
	"strconv"
	"strings"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/vntext"
)

// RowError is one thing wrong with a row: the row as the spreadsheet
// numbers it, the field at fault ("" for the whole row) and a plain
// message.
type RowError struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// BranchRef is the branch a row names, unresolved: Text is a code or a
// name ("Chi hội" / branchCode), ID an id (branchId). Both empty: the row
// names none, and the import's unit is meant.
type BranchRef struct {
	Text string
	ID   string
}

// Parsed is one data row read into member fields, or the errors that
// stopped it.
type Parsed struct {
	Row   int
	Cells []string
	// Input holds the fields the row gives, cleaned and validated as the
	// members service would.
	Input members.Input
	// BirthYear is set when the row gives only a birth year (Input's
	// BirthDate is then zero).
	BirthYear int
	// Present are the fields the row gives; a blank cell gives nothing, so
	// that an update changes only what the file says and a blank never
	// erases.
	Present map[Field]bool
	Branch  BranchRef
	Errors  []RowError
}

// Fail records an error on the row: how the caller adds what it finds
// (an unknown branch code) before deciding.
func (p *Parsed) Fail(field Field, message string) {
	p.Errors = append(p.Errors, RowError{Row: p.Row, Field: string(field), Message: message})
}

// OK reports whether the row has no errors.
func (p *Parsed) OK() bool { return len(p.Errors) == 0 }

// ParseRow reads one data row through the columns: genders in Vietnamese
// or English, dates as ParseDate reads them, national IDs and phones with
// the leading zero Excel drops from numbers put back; then the record is
// validated by members.Input.Clean, the check every create goes through.
// today bounds the dates (none in the future).
func ParseRow(c Columns, row Row, today civil.Date) Parsed {
	p := Parsed{Row: row.Number, Cells: row.Cells, Present: map[Field]bool{}}
	for _, f := range Fields {
		if c.cell(row, f) != "" {
			p.Present[f] = true
		}
	}
	in := &p.Input
	in.FullName = c.cell(row, FullName)
	in.Address = c.cell(row, Address)
	in.MemberNo = c.cell(row, MemberNo)
	in.NationalID = digitsLost(c.cell(row, NationalID), 12, 9)
	in.Phone = digitsLost(c.cell(row, Phone), 10)
	p.Branch = BranchRef{Text: vntext.Clean(c.cell(row, BranchCode)), ID: c.cell(row, BranchID)}
	if s := c.cell(row, Gender); s != "" {
		g, ok := ParseGender(s)
		if !ok {
			p.Fail(Gender, "must be Nam, Nữ, male or female")
			delete(p.Present, Gender)
		}
		in.Gender = g
	}
	var err error
	if in.BirthDate, p.BirthYear, err = parseDate(c.cell(row, BirthDate), true, row.Date1904); err != nil {
		p.Fail(BirthDate, err.Error())
		delete(p.Present, BirthDate)
	}
	if in.JoinedOn, _, err = parseDate(c.cell(row, JoinedOn), false, row.Date1904); err != nil {
		p.Fail(JoinedOn, err.Error())
		delete(p.Present, JoinedOn)
	}
	// A year alone is checked as 1 January of it, so that a CCCD whose
	// year digits disagree is still caught.
	check := *in
	if p.BirthYear != 0 {
		check.BirthDate = civil.Date{Year: p.BirthYear, Month: 1, Day: 1}
	}
	if err := check.Clean(today); err != nil {
		var e *errs.Error
		if !errors.As(err, &e) {
			p.Fail("", err.Error())
		} else {
			for _, fe := range e.Fields {
				p.Fail(Field(fe.Field), fe.Message)
			}
		}
	}
	check.BirthDate = in.BirthDate
	*in = check
	return p
}

// digitsLost puts back the leading zeros Excel drops when a national ID or
// a phone was typed as a number ("1190012345" for "001190012345"; an
// exponent too, "1.19001234567E+11"), for a cell of digits one or two
// short of a length in lengths.
func digitsLost(s string, lengths ...int) string {
	if strings.ContainsAny(s, "eE") {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f < 1e15 && f == float64(int64(f)) {
			s = strconv.FormatInt(int64(f), 10)
		}
	}
	if !allDigits(s) {
		return s
	}
	for _, n := range lengths {
		if len(s) < n && len(s) >= n-2 {
			return strings.Repeat("0", n-len(s)) + s
		}
	}
	return s
}

// ParseGender reads Nam, Nữ, Khác or male, female, other in any case and
// with or without diacritics.
func ParseGender(s string) (members.Gender, bool) {
	// The usual spellings first: folding costs more than the rest of a row.
	switch s {
	case "Nam":
		return members.Male, true
	case "Nữ":
		return members.Female, true
	}
	switch headerKey(s) {
	case "nam", "male", "m":
		return members.Male, true
	case "nu", "female", "f":
		return members.Female, true
	case "khac", "other":
		return members.Other, true
	}
	return "", false
}

// GenderText writes a gender as rolls do: Nam, Nữ, Khác.
func GenderText(g members.Gender) string {
	switch g {
	case members.Male:
		return "Nam"
	case members.Female:
		return "Nữ"
	case members.Other:
		return "Khác"
	}
	return ""
}
