package importjobs

import (
	"context"
	"errors"
	"github.com/sohoi/sohoi/internal/audit"
	"io"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/imports"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// Store is what an import reads to find the members a row may mean.
type Store interface {
	ActiveMemberByNationalID(ctx context.Context, nationalID string) (*members.Member, error)
	MembersByNumber(ctx context.Context, branch unitpath.Path, memberNo string) ([]*members.Member, error)
	MembersByName(ctx context.Context, top unitpath.Path, keys []string) ([]*members.Member, error)
	ListMembers(ctx context.Context, q members.Query) (page.Result[*members.Member], error)
	MemberHistory(ctx context.Context, id string, in members.Provinces) ([]*members.Event, error)
}

// Units loads and lists units for a caller (units.Service).
type Units interface {
	Load(ctx context.Context, c *access.Caller, id string, obj access.Object, act access.Action) (*units.Unit, error)
	Children(ctx context.Context, c *access.Caller, parentID string, p page.Request) (page.Result[*units.Unit], error)
}

// Members writes members in batches (members.Service).
type Members interface {
	CreateBatch(ctx context.Context, c *access.Caller, job string, items []members.NewMember) ([]*members.Member, []error, error)
	UpdateBatch(ctx context.Context, c *access.Caller, job string, items []members.Edit) ([]*members.Member, []error, error)
	Get(ctx context.Context, c *access.Caller, id string) (*members.Member, error)
	Leave(ctx context.Context, c *access.Caller, id string, status members.Status, on civil.Date, reason string) (*members.Member, error)
}

// Callers makes the caller a job runs as from the id of the user who
// asked for it, with the user's grants as they stand now.
type Callers interface {
	CallerOf(ctx context.Context, userID string) (*access.Caller, error)
}

// DefaultBatch is how many rows are decided and written together.
const DefaultBatch = 1000

// Service runs imports for callers.
type Service struct {
	store   Store
	jobs    JobStore
	units   Units
	members Members
	callers Callers
	log     audit.Log // submissions and undos; the rows are recorded by the members service
	now     func() time.Time
	batch   int
	// wake tells the runner a job was queued.
	wake chan struct{}
	// afterBatch, when set, is called after each batch of a job is
	// written and before it is recorded (tests stop a job there as a crash
	// would).
	afterBatch func(*Job) error
}

// NewService returns a Service reading candidates from store, keeping
// jobs in jobs, writing through ms and running jobs as callers makes
// them, recording submissions and undos in log; now is the clock (dates
// in the future are refused).
func NewService(store Store, jobs JobStore, us Units, ms Members, callers Callers, log audit.Log, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, jobs: jobs, units: us, members: ms, callers: callers, log: audit.Required("importjobs.NewService", log), now: now, batch: DefaultBatch,
		wake: make(chan struct{}, 1)}
}

// WithBatchHook returns a copy of s that calls fn after each written
// batch of a job, before the batch is recorded; an error from fn stops the job there (ErrStopped: as a crash
// would, leaving it running to be resumed).
func (s *Service) WithBatchHook(fn func(*Job) error) *Service {
	c := *s
	c.afterBatch = fn
	return &c
}

// WithBatch returns a copy of s that writes batches of n rows (tests and
// benchmarks).
func (s *Service) WithBatch(n int) *Service {
	c := *s
	c.batch = max(n, 1)
	return &c
}

// Request is one import.
type Request struct {
	// Job is the job's id, recorded on every change it makes ("" for none).
	Job    string
	UnitID string
	DryRun bool
	// Answers to the questions of an earlier run, by row number.
	Answers map[int]imports.Answer
	Sheet   string
	Mapping imports.Mapping
	// Skip is how many data rows were decided and written before (a job
	// resumed after its last committed batch): they are read, not done
	// again.
	Skip int
}

// RowResult is what became of one row.
type RowResult struct {
	Row        int                 `json:"row"`
	Decision   imports.Action      `json:"decision"`
	MemberID   string              `json:"memberId,omitempty"`
	Changes    []members.Change    `json:"changes,omitempty"`
	Candidates []imports.Candidate `json:"candidates,omitempty"`
	Errors     []imports.RowError  `json:"errors,omitempty"`
	// Cells are the row as written, for the report.
	Cells []string `json:"cells,omitempty"`
	// Version is the member's version after the row (0 when none): undo
	// leaves a member whose version moved on since.
	Version int `json:"version,omitempty"`
}

// Summary counts an import's rows so far.
type Summary struct {
	Processed, Created, Updated, Unchanged, Questions, Failed int
	Encoding                                                  string
	Unknown                                                   []string
	Header                                                    []string
}

func (s *Summary) add(r RowResult) {
	s.Processed++
	switch r.Decision {
	case imports.Create:
		s.Created++
	case imports.Update:
		s.Updated++
	case imports.Unchanged:
		s.Unchanged++
	case imports.Question:
		s.Questions++
	default:
		s.Failed++
	}
}

// Sink is told each batch's rows once the batch is written (a job stores
// them and its progress), with the summary so far.
type Sink func(ctx context.Context, rows []RowResult, sum Summary) error

// Run imports the roll read from r into the unit req.UnitID, where the
// caller must be allowed to write members: a unit outside its scope is not
// found, a role that may not write members forbidden. A file that cannot
// be read as a roll is a validation error and changes nothing. Each
// batch's rows go to sink after the batch is written; a dry run decides
// the same way and writes nothing.
func (s *Service) Run(ctx context.Context, c *access.Caller, req Request, r io.Reader, sink Sink) (Summary, error) {
	var sum Summary
	unit, err := s.units.Load(ctx, c, req.UnitID, access.ObjMember, access.Write)
	if err != nil {
		return sum, err
	}
	src, err := imports.Open(r, imports.OpenOptions{Sheet: req.Sheet})
	if err != nil {
		return sum, err
	}
	tab, err := imports.NewTable(src, req.Mapping, civil.Today(s.now()))
	if err != nil {
		_ = src.Close()
		return sum, err
	}
	defer tab.Close()
	bs, err := loadBranches(ctx, s.units, c, unit)
	if err != nil {
		return sum, err
	}
	sum.Encoding, sum.Header = tab.Encoding(), tab.Header()
	run := &run{s: s, c: c, req: req, unit: unit, branches: bs}
	var batch []pending
	flush := func() error {
		rows, err := run.apply(ctx, batch)
		if err != nil {
			return err
		}
		for _, r := range rows {
			sum.add(r)
		}
		sum.Unknown = tab.Unknown()
		batch = batch[:0]
		if sink != nil {
			return sink(ctx, rows, sum)
		}
		return nil
	}
	for n := 0; ; n++ {
		p, err := tab.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sum, err
		}
		if n < req.Skip {
			run.remember(p) // done before: only its keys, for the file's repeats
			continue
		}
		pd, err := run.decide(ctx, p)
		if err != nil {
			return sum, err
		}
		batch = append(batch, pd)
		if len(batch) >= s.batch {
			if err := flush(); err != nil {
				return sum, err
			}
		}
	}
	if err := flush(); err != nil {
		return sum, err
	}
	return sum, nil
}

// pending is a row decided and not yet written.
type pending struct {
	p        imports.Parsed
	branchID string
	d        imports.Decision
	version  int // of the member an update means, as read
}

// run is one import under way.
type run struct {
	s        *Service
	c        *access.Caller
	req      Request
	unit     *units.Unit
	branches *branches
	// seen are the rows' keys (national ID, card number or name and birth
	// date in a branch) with the first row that gave each: a repeat within
	// the file is an error, so that a dry run and the real run, which
	// writes the first before it reads the second, decide alike. Keys are
	// kept as their 64-bit hash in rowKeys, some 12 bytes each where the
	// strings took about 70 and a map of hashes 38: a million-row file's
	// keys would otherwise be most of the server's memory. Two keys of one
	// file share a hash about once in ten million million-row files; the
	// later row is then reported as a repeat, for a person to look at,
	// never merged.
	seen rowKeys
	// recovered: the first batch after a resume was checked (recover).
	recovered bool
}

func (r *run) decide(ctx context.Context, p imports.Parsed) (pending, error) {
	pd := pending{p: p}
	var branch *units.Unit
	if p.OK() {
		var field imports.Field
		var msg string
		if branch, field, msg = r.branches.resolve(p.Branch); branch == nil {
			p.Fail(field, msg)
		}
	}
	if p.OK() {
		r.repeats(&p, branch.ID)
	}
	var found []members.Member
	if p.OK() {
		var err error
		if found, err = r.lookup(ctx, &p, branch.Path); err != nil {
			return pd, err
		}
	}
	if branch != nil {
		pd.branchID = branch.ID
	}
	d := imports.Decide(p, pd.branchID, found, r.req.Answers[p.Row])
	switch d.Action {
	case imports.Create:
		if p.BirthYear != 0 {
			d = failed(d, imports.BirthDate, "a new member needs a full birth date (dd/mm/yyyy); the row gives only the year")
		}
	case imports.Update:
		for _, ch := range d.Changes {
			if ch.Field == "branchId" {
				d = failed(d, imports.BranchCode, "this member belongs to another branch; an import does not transfer members (transfer them one by one, with the day)")
				break
			}
		}
	}
	if d.Action == imports.Update || d.Action == imports.Unchanged {
		for _, m := range found {
			if m.ID == d.MemberID {
				pd.version = m.Version
			}
		}
	}
	pd.p, pd.d = p, d
	return pd, nil
}

// failed turns a decision into a row error.
func failed(d imports.Decision, field imports.Field, msg string) imports.Decision {
	return imports.Decision{Row: d.Row, Action: imports.Error, Errors: []imports.RowError{{Row: d.Row, Field: string(field), Message: msg}}}
}
