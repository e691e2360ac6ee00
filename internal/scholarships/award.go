package scholarships

import (
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// SchoolLevel is the closed set of the levels of Vietnam's education
// system that awards are reported by.
type SchoolLevel string

const (
	Preschool      SchoolLevel = "preschool"       // mầm non
	Primary        SchoolLevel = "primary"         // tiểu học
	LowerSecondary SchoolLevel = "lower_secondary" // trung học cơ sở
	UpperSecondary SchoolLevel = "upper_secondary" // trung học phổ thông
	Vocational     SchoolLevel = "vocational"      // giáo dục nghề nghiệp
	Higher         SchoolLevel = "higher"          // cao đẳng, đại học, sau đại học
)

// SchoolLevels in the order reports list them.
var SchoolLevels = []SchoolLevel{Preschool, Primary, LowerSecondary, UpperSecondary, Vocational, Higher}

// Valid reports whether l is one of SchoolLevels.
func (l SchoolLevel) Valid() bool {
	for _, v := range SchoolLevels {
		if l == v {
			return true
		}
	}
	return false
}

// Student is who received an award: anyone, a member's child or not.
type Student struct {
	Name      string      `json:"name"`
	BirthYear int         `json:"birthYear,omitempty"`
	School    string      `json:"school"`
	Level     SchoolLevel `json:"level"`
	// MemberID links a member where the student is one (or the family's
	// head is), for the member's history; optional.
	MemberID string `json:"memberId,omitempty"`
}

// Award is one award to one student.
type Award struct {
	ID     string        `json:"id"`
	UnitID string        `json:"unitId"` // the awarding unit
	Path   unitpath.Path `json:"path"`
	Date   civil.Date    `json:"date"`
	// Student is personal data: reporters see the figures, not this.
	Student Student `json:"student"`
	// Amount (VND) for an award of money, or InKind ("một xe đạp", "20
	// quyển vở") for one in kind: exactly one of them.
	Amount int64  `json:"amount,omitempty"`
	InKind string `json:"inKind,omitempty"`
	// FundEntry is the out entry that paid an award of money.
	FundEntry string `json:"fundEntry,omitempty"`
	// Title is the award's programme ("Học bổng Nguyễn Đức Cảnh 2022").
	Title string `json:"title,omitempty"`
}

// InMoney reports whether a is an award of money.
func (a *Award) InMoney() bool { return a.Amount != 0 }
