package rollups

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
)

// Units reads the tree as stored (units.Tree): Load authorises a caller
// (not found outside the caller's scope, forbidden beyond its role), and
// the counters walk every unit with Children, whoever asked.
type Units interface {
	Load(ctx context.Context, c *access.Caller, id string, obj access.Object, act access.Action) (*units.Unit, error)
	Children(ctx context.Context, u *units.Unit, p page.Request) (page.Result[*units.Unit], error)
	// The tree as it was on a past day (issue 18.5; units/history.go):
	// a unit's children then, and the moves of units since.
	EachChildOn(ctx context.Context, u *units.Unit, d civil.Date, fn func(*units.Unit) error) error
	MovesSince(ctx context.Context, unitID string, after civil.Date) ([]*units.MoveRecord, error)
	MovesOf(ctx context.Context, unitIDs []string, after civil.Date) ([]*units.MoveRecord, error)
}

// counter is who reads the tree to count it: the counters cover every
// unit, whoever asked for the figures (their caller was authorised on the
// unit asked about, and everything counted lies below it).
var counter = access.System("counting")

// unit reads a unit to count it.
func (s *Service) unit(ctx context.Context, id string) (*units.Unit, error) {
	return s.units.Load(ctx, counter, id, access.ObjUnit, access.Read)
}

// Boards reads officer posts.
type Boards interface {
	GetBoard(ctx context.Context, unitID string) (*officers.Board, error)
}

// Service keeps counters current and answers rollups and reports. What
// answers someone (Rollup, PeriodReport) or repairs (Reconcile,
// CloseMonth) takes the caller and decides scope and role itself; what
// acts for no one takes none: the counting hook the other services call
// around their writes (Mark), and the settler's own lifecycle
// (StartSettling, WaitSettled, Sweep, CloseLastMonth), which reads the
// tree as access.System.
type Service struct {
	store   Store
	units   Units
	boards  Boards
	log     *slog.Logger
	now     func() time.Time
	queue   chan []Mark   // marks for the settler; nil: settle at once
	queued  atomic.Int64  // batches queued and not yet settled
	jobs    JobObserver   // nil: no one listens
	past    *pastDays     // bounds, shares and remembers past-day computations
	owner   string        // this service as a lease holder (closing.go)
	orphans orphans       // unstored marks the sweeps have seen (settle.go)
	window  time.Duration // how long the settler collects marks (settleWindow; tests lengthen it)

	moves   MovementStore // nil: past days are counted from periods (movements.go)
	records RecordStore   // nil: no records are counted (records.go)
}

// NewService wires the rollups: the counters in store over the tree u
// (units.Tree), the posts in b, and the options (options.go).
func NewService(store Store, u Units, b Boards, log *slog.Logger, now func() time.Time, opts ...Option) *Service {
	s := &Service{store: store, units: u, boards: b, log: log, now: now, past: newPastDays(PastDayLimits{}), owner: newOwner()}
	s.moves, _ = store.(MovementStore)
	// Issue 20's records count wherever the store keeps them, so that no
	// service built on the full store (a tool's reconcile) recounts
	// tallies without them; a store seen through a wrapper passes
	// WithRecords.
	s.records, _ = store.(RecordStore)
	for _, o := range opts {
		o(s)
	}
	return s
}

// live is the day key of the tally that follows every write.
const live = ""

// cached reports whether a day's tallies are kept: month ends only, the
// days half-year and year-end reviews ask for, so that the settler has a
// short, bounded list of snapshots to recount behind a back-dated change.
func cached(d civil.Date) bool { return d.AddDays(1).Day == 1 }

// dayKey chooses the tally that answers for day d: the live one for today
// (and later), a kept snapshot for a month end of the last keptYears years,
// none otherwise (computed when asked: every kept day costs the settler a
// recount behind each change dated before it, so asking cannot make the
// list grow without bound).
func (s *Service) dayKey(d civil.Date) (string, bool) {
	today := civil.Today(s.now())
	if !d.Before(today) {
		return live, true
	}
	return d.String(), cached(d) && d.Year > today.Year-keptYears
}

// keptYears is how far back month ends are kept.
const keptYears = 10

// kept reports whether a day key names a day whose tallies are kept now.
func (s *Service) kept(day string) bool {
	d, err := civil.Parse(day)
	if err != nil {
		return false
	}
	_, keep := s.dayKey(d)
	return keep
}
