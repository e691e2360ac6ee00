package rollups

import (
	"context"
	"time"

	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Counter is a unit's stored tally for one day ("" is the live tally,
// which follows every write; other days are month-end snapshots).
//
// Counters are a cache of facts, never the facts: a unit's tally is
// recomputed from its own facts and its children's tallies, so a retried
// or repeated recount cannot count anything twice. Concurrent recounts are
// ordered by tickets: a recount takes a ticket before it reads, and a
// tally is stored only over one with an older ticket, so the stored tally
// always includes every change made before the newest stored ticket.
type Counter struct {
	UnitID   string
	ParentID string
	Path     unitpath.Path // the unit's path
	Day      string
	Ticket   int64
	Tally    Tally
}

// Mark says that a unit's tally for a day may be stale: it is written
// before a change is stored and cleared once the tallies above the unit
// are recounted, so a crash in between leaves the mark for the next read
// (or reconcile) to settle.
type Mark struct {
	UnitID string
	Path   unitpath.Path
	Day    string
	Gen    int64 // bumped by every marking; a mark is cleared only at its generation
	// Change is the change the mark was made for: marks are kept per
	// change, so that settling one change never clears another's.
	Change string
	// Stored says the change is stored (the marking after the store): only
	// then may a recount that read the mark clear it. A mark made before
	// the store is recounted for by every recount but cleared by none, so
	// a crash between the store and the second marking still leaves it.
	Stored bool
	// Onward says the mark names the live tally and every kept day on or
	// after From ("": every kept day, as a correction may change any), so
	// that a change marks a unit once whatever the number of kept days.
	// Day is then "". A mark that is not onward names Day alone (marks
	// made before marks were onward).
	Onward bool
	From   string
}

// Covers reports whether m names the tally of day ("" the live one).
func (m Mark) Covers(day string) bool {
	if m.Onward {
		return day == "" || m.From <= day
	}
	return m.Day == day
}

// TicketFor names a tally about to be recounted: a unit's day ("" the
// live one) and the unit's path, root first.
type TicketFor struct {
	UnitID, Day string
	Path        unitpath.Path
}

// Store keeps counters, marks and the facts they are counted from.
type Store interface {
	// BranchEveryone returns every member who ever had a period in the
	// branch at path branch, with their stints.
	BranchEveryone(ctx context.Context, branch unitpath.Path) ([]*members.Member, error)

	// TakeTickets returns a fresh ticket for recounting each of several
	// units' tallies, in their order; the path (the unit's ancestors and
	// itself) is recorded with it, so that a subtree's tickets can be
	// found before any tally is stored. The settler recounts a level of
	// the tree at a time: one call for them all keeps it from queueing
	// once per unit behind the writes it follows (SQLite: one
	// transaction).
	TakeTickets(ctx context.Context, tickets []TicketFor) ([]int64, error)
	// PutCounters stores each counter unless a tally with a newer ticket
	// is stored for its unit and day; it returns how many were stored.
	PutCounters(ctx context.Context, cs []*Counter) (int, error)
	// ReplaceCounter stores c whatever is stored (for repair tools and
	// tests that damage a tally on purpose).
	ReplaceCounter(ctx context.Context, c *Counter) error
	// The reads and the drop below name a unit by its path (the unit's
	// ancestors and itself, root first), which every caller holds: a
	// store that keeps counters and marks by province (MongoDB's sharding
	// plan, docs/sharding.md §3) finds the province in it without a
	// lookup. A store that does not need it uses path.Unit().

	// GetCounter returns a unit's tally for a day, or errs.NotFound.
	GetCounter(ctx context.Context, path unitpath.Path, day string) (*Counter, error)
	// ChildCounters returns the stored tallies of the children of the
	// unit at parent.
	ChildCounters(ctx context.Context, parent unitpath.Path, day string) ([]*Counter, error)
	// DeleteCounters drops every tally of a day ("" too) in a subtree. The
	// tickets stay, and every ticket handed out before is made old: a
	// recount already under way cannot store its tally afterwards.
	DeleteCounters(ctx context.Context, path unitpath.Path, day string) error

	// MarkStale records marks and returns them with their generations.
	MarkStale(ctx context.Context, marks []Mark) ([]Mark, error)
	// ClearMarks removes each mark unless someone marked it again since
	// (at a newer generation): one round trip for a settled batch.
	ClearMarks(ctx context.Context, marks []Mark) error
	// MarksUnder returns the marks on units in a subtree that cover a day
	// (Mark.Covers): the marks of that day and the onward marks from it or
	// before (for "", every onward mark).
	MarksUnder(ctx context.Context, path unitpath.Path, day string) ([]Mark, error)
	// AnyMarkUnder reports whether MarksUnder would return any mark,
	// reading at most one: what every rollup read asks (pending).
	AnyMarkUnder(ctx context.Context, path unitpath.Path, day string) (bool, error)

	// SnapshotDays lists the days whose tallies are kept.
	SnapshotDays(ctx context.Context) ([]string, error)
	// AddSnapshotDay records that a day's tallies are kept.
	AddSnapshotDay(ctx context.Context, day string) error

	// AcquireLease makes owner the holder of the lease name until until,
	// if no one holds it, owner already does (a renewal), or the holder's
	// lease ended at or before now; it reports whether owner holds it.
	// Of concurrent callers at most one gets a lease that is free.
	AcquireLease(ctx context.Context, name, owner string, now, until time.Time) (bool, error)
	// ReleaseLease ends owner's lease name (nothing if owner does not
	// hold it).
	ReleaseLease(ctx context.Context, name, owner string) error
}
