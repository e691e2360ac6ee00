package scholarships

import (
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/vntext"
)

// Validate checks an award before it is stored, and cleans its text
// fields. paid is the fund entry a.FundEntry names (nil when it names
// none or none was found): an award of money is refused without one that
// CheckPayment accepts.
func Validate(a *Award, paid *fund.Entry) error {
	var f errs.Fields
	a.Student.Name, a.Student.School = vntext.Clean(a.Student.Name), vntext.Clean(a.Student.School)
	a.InKind, a.Title = vntext.Clean(a.InKind), vntext.Clean(a.Title)
	for field, s := range map[string]string{"student.name": a.Student.Name, "student.school": a.Student.School, "inKind": a.InKind, "title": a.Title} {
		vntext.Check(f.Add, field, s)
		if len([]rune(s)) > 200 {
			f.Add(field, "must be at most 200 characters")
		}
	}
	if a.Student.Name == "" {
		f.Add("student.name", "is required")
	}
	if a.Student.School == "" {
		f.Add("student.school", "is required")
	}
	if !a.Student.Level.Valid() {
		f.Add("student.level", "must be one of preschool, primary, lower_secondary, upper_secondary, vocational, higher")
	}
	if a.Date.IsZero() {
		f.Add("date", "is required")
	}
	if by := a.Student.BirthYear; by != 0 && (by < 1900 || !a.Date.IsZero() && by > a.Date.Year-2) {
		f.Add("student.birthYear", "must be a year at least two years before the award")
	}
	if a.UnitID == "" || a.Path.Unit() != a.UnitID {
		f.Add("unitId", "is required and must be the unit its path leads to")
	}
	switch {
	case a.Amount != 0 && a.InKind != "":
		f.Add("inKind", "an award is either money (amount) or in kind, not both")
	case a.Amount == 0 && a.InKind == "":
		f.Add("amount", "give the amount in đồng, or what was given in kind")
	case a.Amount < 0 || a.Amount > fund.MaxAmount:
		f.Add("amount", "must be a positive whole number of đồng, at most %d", fund.MaxAmount)
	case a.InKind != "" && a.FundEntry != "":
		// Its value is not recorded, so nothing can be checked against an
		// entry: a gift bought from the fund is entered as money.
		f.Add("fundEntry", "an award in kind names no fund entry; enter one bought from the fund as an award of money")
	case a.InMoney():
		f = append(f, paymentFaults(a, paid)...)
	}
	return f.Err()
}

// CheckPayment checks that e paid the award of money a: an out entry, not
// a reversal, of the same unit, for the same amount, on the same day.
func CheckPayment(a *Award, e *fund.Entry) error { return paymentFaults(a, e).Err() }

func paymentFaults(a *Award, e *fund.Entry) errs.Fields {
	var f errs.Fields
	switch {
	case a.FundEntry == "":
		f.Add("fundEntry", "an award of money names the fund entry (phiếu chi) that paid it")
	case e == nil || e.ID != a.FundEntry:
		f.Add("fundEntry", "%s is not an entry of the fund", a.FundEntry)
	default:
		if e.Direction != fund.Out || e.Reverses != "" {
			f.Add("fundEntry", "%s is not a payment out of the fund", e.ID)
		}
		if e.UnitID != a.UnitID {
			f.Add("fundEntry", "%s is an entry of unit %s, not of the awarding unit %s", e.ID, e.UnitID, a.UnitID)
		}
		if e.Amount != a.Amount {
			f.Add("amount", "the award is %d đồng but %s paid %d", a.Amount, e.ID, e.Amount)
		}
		if e.Date != a.Date {
			f.Add("date", "the award is dated %s but %s is dated %s", a.Date, e.ID, e.Date)
		}
	}
	return f
}
