package members

import (
	"unicode/utf8"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/vntext"
)

const (
	maxName    = 200
	maxAddress = 500
	maxNo      = 32
	maxReason  = 500
)

// Input is what a client sends to create or correct a member.
type Input struct {
	FullName   string
	Gender     Gender
	BirthDate  civil.Date
	NationalID string
	Phone      string
	Address    string
	JoinedOn   civil.Date
	MemberNo   string
}

// Patch holds the fields a correction changes; nil means unchanged.
type Patch struct {
	FullName   *string
	Gender     *Gender
	BirthDate  *civil.Date
	NationalID *string
	Phone      *string
	Address    *string
	JoinedOn   *civil.Date
	MemberNo   *string
}

func checkLen(f *errs.Fields, field, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		f.Add(field, "must be at most %d characters", max)
	}
}

// checkDate refuses dates in the future and before 1900.
func checkDate(f *errs.Fields, field string, d, today civil.Date) {
	switch {
	case d.IsZero():
	case d.After(today):
		f.Add(field, "must not be in the future")
	case d.Year < 1900:
		f.Add(field, "must not be before 1900")
	}
}

// clean normalises text fields (NFC, spaces, phone) and validates the whole
// record, so that a stored member is always valid.
func (in *Input) clean(today civil.Date) error {
	var f errs.Fields
	vntext.Check(f.Add, "fullName", in.FullName)
	vntext.Check(f.Add, "address", in.Address)
	vntext.Check(f.Add, "memberNo", in.MemberNo)
	vntext.Check(f.Add, "nationalId", in.NationalID)
	vntext.Check(f.Add, "phone", in.Phone)
	in.FullName = vntext.Clean(in.FullName)
	in.Address = vntext.Clean(in.Address)
	in.MemberNo = vntext.Clean(in.MemberNo)
	in.NationalID = vntext.Clean(in.NationalID)
	switch {
	case in.FullName == "":
		f.Add("fullName", "is required")
	case len(nameWords(in.FullName)) == 0:
		f.Add("fullName", "must contain letters")
	}
	checkLen(&f, "fullName", in.FullName, maxName)
	checkLen(&f, "address", in.Address, maxAddress)
	checkLen(&f, "memberNo", in.MemberNo, maxNo)
	switch in.Gender {
	case "", Female, Male, Other:
	default:
		f.Add("gender", "must be female, male or other")
	}
	checkDate(&f, "birthDate", in.BirthDate, today)
	checkDate(&f, "joinedOn", in.JoinedOn, today)
	if !in.BirthDate.IsZero() && !in.JoinedOn.IsZero() && in.JoinedOn.Before(in.BirthDate) {
		f.Add("joinedOn", "must not be before the birth date")
	}
	if in.Phone != "" {
		if p, ok := normalizePhone(in.Phone); ok {
			in.Phone = p
		} else {
			f.Add("phone", "must be a Vietnamese phone number such as 0912345678 or +84912345678")
		}
	}
	checkNationalID(&f, in.NationalID, in.Gender, in.BirthDate)
	return f.Err()
}

func (p Patch) apply(m *Member) Input {
	in := Input{FullName: m.FullName, Gender: m.Gender, BirthDate: m.BirthDate, NationalID: m.NationalID,
		Phone: m.Phone, Address: m.Address, JoinedOn: m.JoinedOn, MemberNo: m.MemberNo}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.FullName, p.FullName)
	set(&in.NationalID, p.NationalID)
	set(&in.Phone, p.Phone)
	set(&in.Address, p.Address)
	set(&in.MemberNo, p.MemberNo)
	if p.Gender != nil {
		in.Gender = *p.Gender
	}
	if p.BirthDate != nil {
		in.BirthDate = *p.BirthDate
	}
	if p.JoinedOn != nil {
		in.JoinedOn = *p.JoinedOn
	}
	return in
}

// changes lists the fields that differ between two records.
func changes(a, b Input) []Change {
	var out []Change
	add := func(field, from, to string) {
		if from != to {
			out = append(out, Change{Field: field, From: from, To: to})
		}
	}
	add("fullName", a.FullName, b.FullName)
	add("gender", string(a.Gender), string(b.Gender))
	add("birthDate", a.BirthDate.String(), b.BirthDate.String())
	add("nationalId", a.NationalID, b.NationalID)
	add("phone", a.Phone, b.Phone)
	add("address", a.Address, b.Address)
	add("joinedOn", a.JoinedOn.String(), b.JoinedOn.String())
	add("memberNo", a.MemberNo, b.MemberNo)
	return out
}
