// Package members is the member roll a branch chair keeps: who is a member,
// of which branch, since when, and every change to that, dated. Only
// branches hold members.
package members

import (
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Status of a member. A member who left or died stays on the roll, with
// their history.
type Status string

const (
	Active   Status = "active"
	Left     Status = "left"
	Deceased Status = "deceased"
)

// Gender as written on rolls (Nam/Nữ), plus other.
type Gender string

const (
	Female Gender = "female"
	Male   Gender = "male"
	Other  Gender = "other"
)

// Member is one person on a branch's roll.
type Member struct {
	ID       string
	BranchID string
	// Path is the branch's path (root first, ending with the branch):
	// "every member below unit X" is one indexed query on it.
	Path        unitpath.Path
	FullName    string
	Gender      Gender
	BirthDate   civil.Date
	NationalID  string
	Phone       string
	Address     string
	JoinedOn    civil.Date
	MemberNo    string
	Status      Status
	LeftOn      civil.Date
	LeaveReason string
	// Stints are the member's periods in branches, oldest first: what
	// "active in unit X on date D" is answered from.
	Stints    []Stint
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Stint is a period [From, To) in one branch; To is zero while it lasts.
type Stint struct {
	BranchID string     `json:"branchId"`
	From     civil.Date `json:"from"`
	To       civil.Date `json:"to"`
	// How the stint began (joined, transfer) and ended (transfer, left, died).
	StartedBy EventType `json:"startedBy"`
	EndedBy   EventType `json:"endedBy,omitempty"`
}

// ActiveNationalID is the national ID while the member is active, else "":
// the ID the stores keep one holder of (SQLite indexes it uniquely, MongoDB
// claims it in nationalIds), so that "at most one active member per ID" is
// enforced by the database rather than by a racy check.
func (m *Member) ActiveNationalID() string {
	if m.Status != Active {
		return ""
	}
	return m.NationalID
}

// NameWords are the folded words of the name, for search.
func (m *Member) NameWords() []string { return nameWords(m.FullName) }

// SortKey is the key of the official order (given name first).
func (m *Member) SortKey() string { return sortKey(m.FullName, m.ID) }
