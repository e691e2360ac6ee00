// Package officers is who holds which post at a unit, for which term: chair,
// vice-chairs, the standing and executive committees. A person may hold
// several posts at several levels; past terms stay.
package officers

import (
	"context"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Position is a post at a unit.
type Position string

const (
	Chair     Position = "chair"
	ViceChair Position = "vice_chair"
	Standing  Position = "standing"
	Committee Position = "committee"
	Secretary Position = "secretary"
)

var positionRank = map[Position]int{Chair: 0, ViceChair: 1, Standing: 2, Secretary: 3, Committee: 4}

// Officer is one post held by one person for one term.
type Officer struct {
	ID        string     `json:"id"`
	MemberID  string     `json:"memberId,omitempty"` // empty for a person not on a roll
	FullName  string     `json:"fullName"`
	Position  Position   `json:"position"`
	TermLabel string     `json:"termLabel"`
	From      civil.Date `json:"from"`
	To        civil.Date `json:"to"` // zero: until further notice
	Version   int        `json:"version"`
	CreatedAt time.Time  `json:"createdAt"`
	UpdatedAt time.Time  `json:"updatedAt"`
}

// HeldOn reports whether the post is held on day d (From and To inclusive).
func (o *Officer) HeldOn(d civil.Date) bool {
	return !o.From.After(d) && (o.To.IsZero() || !o.To.Before(d))
}

// overlaps reports whether two posts' terms share a day.
func (o *Officer) overlaps(p *Officer) bool {
	return (o.To.IsZero() || !o.To.Before(p.From)) && (p.To.IsZero() || !p.To.Before(o.From))
}

// Board is every post of one unit. It is stored and changed as one record
// (compare-and-swap on Version), so that rules across posts — one chair at
// a time — hold without multi-document transactions.
type Board struct {
	UnitID  string
	Path    unitpath.Path // the unit's path
	Version int           // 0 for a unit with no posts yet
	Posts   []*Officer
}

// Store keeps boards.
type Store interface {
	// GetBoard returns a unit's board; a unit with no posts has an empty
	// board at version 0.
	GetBoard(ctx context.Context, unitID string) (*Board, error)
	// SaveBoard writes b if the stored version is b.Version-1 (no stored
	// board for 1), else errs.VersionMismatch.
	SaveBoard(ctx context.Context, b *Board) error
	// BoardOfOfficer finds the unit whose board holds a post, or errs.NotFound.
	BoardOfOfficer(ctx context.Context, officerID string) (string, error)
}
