// Package units is the organisation tree: central → province → district →
// commune → branch. It holds the Unit type, the level and naming rules, the
// store interface the tree needs, and the service that applies the rules.
package units

import (
	"time"

	"github.com/sohoi/sohoi/internal/unitpath"
)

// RootID is the fixed id of the single central unit, so that creating it on
// first start is idempotent even when several instances start at once.
const RootID = "root"

// Status of a unit: closed units keep their history but take no new
// children or members.
type Status string

const (
	Active Status = "active"
	Closed Status = "closed"
)

// Unit is one node of the tree.
type Unit struct {
	ID       string
	ParentID string // empty for the root
	Level    Level
	Name     string
	Code     string
	// Path is the unit's ancestors and itself, root first.
	Path   unitpath.Path
	Status Status
	// MergedInto points to the unit that took over a merged (closed) unit.
	MergedInto string
	// ClosedAt is when the unit was closed (zero while it is open, and for
	// units closed before it was kept): a branch counts as a branch on the
	// days before it, so past figures count it only while it was open.
	ClosedAt  time.Time
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Within reports whether the unit is id or lies below it.
func (u *Unit) Within(id string) bool { return u.Path.Contains(id) }
