package members

import (
	"fmt"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
)

// cccdProvinces are the 3-digit birth-registration codes a 12-digit CCCD may
// begin with: "0" and a province code of the General Statistics Office
// (the 63 provinces before the 2025 reform, under which IDs were issued).
var cccdProvinces = map[string]bool{}

func init() {
	for _, p := range []string{"01", "02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "22", "24", "25",
		"26", "27", "30", "31", "33", "34", "35", "36", "37", "38", "40", "42", "44", "45", "46", "48", "49", "51", "52", "54",
		"56", "58", "60", "62", "64", "66", "67", "68", "70", "72", "74", "75", "77", "79", "80", "82", "83", "84", "86", "87",
		"89", "91", "92", "93", "94", "95", "96"} {
		cccdProvinces["0"+p] = true
	}
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// checkNationalID validates a CCCD (12 digits) or a legacy CMND (9 digits)
// and, for a CCCD, that its gender, century and year digits agree with the
// gender and birth date given: the 4th digit is even for men and odd for
// women, 0–1 for births in 1900–1999, 2–3 in 2000–2099, and so on by
// century; the 5th and 6th are the last two digits of the birth year.
func checkNationalID(f *errs.Fields, id string, g Gender, birth civil.Date) {
	switch {
	case id == "":
		return
	case !allDigits(id) || (len(id) != 12 && len(id) != 9):
		f.Add("nationalId", "must be 12 digits (CCCD) or 9 digits (old CMND)")
		return
	case len(id) == 9:
		return
	case !cccdProvinces[id[:3]]:
		f.Add("nationalId", "begins with %s, which is not a province code of birth registration", id[:3])
		return
	}
	code := int(id[3] - '0')
	idGender := Male
	if code%2 == 1 {
		idGender = Female
	}
	century := 1900 + 100*(code/2)
	if g != "" && g != Other && g != idGender {
		msg := fmt.Sprintf("the national ID is of a %s person but the gender given is %s", idGender, g)
		f.Add("nationalId", "%s", msg)
		f.Add("gender", "%s", msg)
	}
	if !birth.IsZero() {
		year := century + int(id[4]-'0')*10 + int(id[5]-'0')
		if year != birth.Year {
			msg := fmt.Sprintf("the national ID gives birth year %d but the birth date is in %d", year, birth.Year)
			f.Add("nationalId", "%s", msg)
			f.Add("birthDate", "%s", msg)
		}
	}
}
