package importjobs

import (
	"context"
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/imports"
	"github.com/sohoi/sohoi/internal/page"
)

// Submit checks that the caller may import into req.UnitID and that the
// file reads as a roll (its header is found), then keeps the job and its
// file, queued: a Runner runs it. Nothing is kept when either check fails.
func (s *Service) Submit(ctx context.Context, c *access.Caller, req Request, file io.ReadSeeker) (*Job, error) {
	unit, err := s.units.Load(ctx, c, req.UnitID, access.ObjMember, access.Write)
	if err != nil {
		return nil, err
	}
	src, err := imports.Open(file, imports.OpenOptions{Sheet: req.Sheet})
	if err != nil {
		return nil, err
	}
	_, err = imports.NewTable(src, req.Mapping, civil.Today(s.now()))
	_ = src.Close()
	if err != nil {
		return nil, err
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	j := &Job{ID: ids.New(), UnitID: unit.ID, Path: unit.Path, Status: Queued, DryRun: req.DryRun, Sheet: req.Sheet,
		Answers: req.Answers, UserID: c.User.ID, CreatedAt: s.now().UTC(), Version: 1, Unknown: []string{}, Errors: []imports.RowError{}}
	if err := s.log.Change(ctx, jobEntry(c, audit.Create, nil, j), func(ctx context.Context) error {
		return s.jobs.CreateImportJob(ctx, j, file)
	}); err != nil {
		return nil, err
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return j, nil
}

// Get returns a job the caller may see: one into a unit where it may read
// members; elsewhere the job is not found.
func (s *Service) Get(ctx context.Context, c *access.Caller, id string) (*Job, error) {
	return s.load(ctx, c, id, access.Read)
}

func (s *Service) load(ctx context.Context, c *access.Caller, id string, act access.Action) (*Job, error) {
	if !ids.Valid(id) {
		return nil, errs.E(errs.NotFound, "import not found")
	}
	j, err := s.jobs.GetImportJob(ctx, id)
	if err == nil {
		err = c.Authorize(j.Path, access.ObjMember, act, "import")
	}
	if err != nil {
		return nil, access.NotFound(err, "import")
	}
	return j, nil
}

// Rows returns a page of a job's per-row report, in row order; cursor
// (page.Encode of a row number) is where the page before ended ("" for
// the first).
func (s *Service) Rows(ctx context.Context, c *access.Caller, id, cursor string, limit int) ([]RowResult, string, error) {
	if _, err := s.Get(ctx, c, id); err != nil {
		return nil, "", err
	}
	after := 0
	if cursor != "" {
		key, err := page.Decode(cursor)
		n, aerr := strconv.Atoi(key)
		if err != nil || aerr != nil || n < 0 {
			return nil, "", (errs.Fields{{Field: "cursor", Message: "is not a cursor this list gave"}}).Err()
		}
		after = n
	}
	rows, err := s.jobs.ImportRows(ctx, id, after, limit+1)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		next = page.Encode(strconv.Itoa(rows[limit-1].Row))
	}
	return rows, next, nil
}

// Report writes a job's per-row report (the original columns, the
// decision and a message) as CSV or XLSX.
func (s *Service) Report(ctx context.Context, c *access.Caller, id string, format imports.Format, w io.Writer) error {
	j, err := s.Get(ctx, c, id)
	if err != nil {
		return err
	}
	if format != imports.CSV && format != imports.XLSX {
		return (errs.Fields{{Field: "format", Message: "must be csv or xlsx"}}).Err()
	}
	rep, err := imports.NewReport(w, format, j.Header)
	if err != nil {
		return err
	}
	after := 0
	for {
		rows, err := s.jobs.ImportRows(ctx, id, after, 1000)
		if err != nil {
			return err
		}
		for _, r := range rows {
			d := imports.Decision{Row: r.Row, Action: r.Decision, MemberID: r.MemberID, Changes: r.Changes, Candidates: r.Candidates, Errors: r.Errors}
			if err := rep.Write(r.Cells, d); err != nil {
				return err
			}
			after = r.Row
		}
		if len(rows) < 1000 {
			break
		}
	}
	return rep.Close()
}

// Execute runs a queued job, or resumes a running one after its last
// committed batch, as the user who asked for it. Each batch's rows and
// the job's counters are stored after the batch is written; a job that
// cannot go on is failed with the reason.
func (s *Service) Execute(ctx context.Context, j *Job) error {
	c := access.System("import")
	if j.UserID != "" {
		var err error
		if c, err = s.callers.CallerOf(ctx, j.UserID); err != nil {
			return s.fail(ctx, j, err)
		}
	}
	if j.StartedAt.IsZero() {
		j.StartedAt = s.now().UTC()
	}
	j.Status = Running
	if j.Total == 0 {
		total, err := s.count(ctx, j)
		if err != nil {
			return s.fail(ctx, j, err)
		}
		j.Total = total
	}
	if err := s.save(ctx, j); err != nil {
		return err
	}
	file, err := s.jobs.ImportFile(ctx, j.ID)
	if err != nil {
		return err
	}
	defer file.Close()
	began, skip := time.Now(), j.Processed
	req := Request{Job: j.ID, UnitID: j.UnitID, DryRun: j.DryRun, Answers: j.Answers, Sheet: j.Sheet, Skip: skip}
	sum, err := s.Run(ctx, c, req, file, func(ctx context.Context, rows []RowResult, sum Summary) error {
		if s.afterBatch != nil {
			// The batch's members are written, nothing of it recorded yet:
			// the worst moment to stop.
			if err := s.afterBatch(j); err != nil {
				return err
			}
		}
		if err := s.jobs.PutImportRows(ctx, j.ID, rows); err != nil {
			return err
		}
		for _, r := range rows {
			j.count(r)
		}
		j.Encoding, j.Unknown, j.Header = sum.Encoding, sum.Unknown, sum.Header
		if secs := time.Since(began).Seconds(); secs > 0 {
			j.RowsPerSecond = float64(j.Processed-skip) / secs
		}
		return s.save(ctx, j)
	})
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, ErrStopped) {
			return err // stopped: resumed on the next start
		}
		return s.fail(ctx, j, err)
	}
	j.Encoding, j.Unknown, j.Header = sum.Encoding, sum.Unknown, sum.Header
	j.Status, j.FinishedAt = Done, s.now().UTC()
	return s.save(ctx, j)
}

// ErrStopped is what a batch hook returns to stop a job as a crash would
// (tests of resuming).
var ErrStopped = errors.New("importjobs: stopped")

// count adds a row's result to the job's counters.
func (j *Job) count(r RowResult) {
	j.Processed++
	switch r.Decision {
	case imports.Create:
		j.Created++
	case imports.Update:
		j.Updated++
	case imports.Unchanged:
		j.Unchanged++
	case imports.Question:
		j.Questions++
	default:
		j.Failed++
	}
	for _, e := range r.Errors {
		if len(j.Errors) < maxJobErrors {
			j.Errors = append(j.Errors, e)
		}
	}
}

// count reads the job's file once to count its data rows (progress is
// shown as processed of total).
func (s *Service) count(ctx context.Context, j *Job) (int, error) {
	file, err := s.jobs.ImportFile(ctx, j.ID)
	if err != nil {
		return 0, err
	}
	defer file.Close()
	src, err := imports.Open(file, imports.OpenOptions{Sheet: j.Sheet})
	if err != nil {
		return 0, err
	}
	tab, err := imports.NewTable(src, nil, civil.Today(s.now()))
	if err != nil {
		_ = src.Close()
		return 0, err
	}
	defer tab.Close()
	n := 0
	for {
		if _, err := tab.Next(); errors.Is(err, io.EOF) {
			return n, nil
		} else if err != nil {
			return 0, err
		}
		n++
	}
}

// save stores the job as its next version.
func (s *Service) save(ctx context.Context, j *Job) error {
	if j.Status == Running { // the runner's lease, renewed with each batch recorded
		j.LeaseUntil = s.now().Add(leaseFor).UTC()
	} else {
		j.LeaseUntil = time.Time{}
	}
	j.Version++
	if err := s.jobs.UpdateImportJob(ctx, j); err != nil {
		j.Version--
		return err
	}
	return nil
}

// fail ends a job with the reason: a file or a row that cannot be read
// says so; anything else is an internal error, logged by the runner.
func (s *Service) fail(ctx context.Context, j *Job, cause error) error {
	var e *errs.Error
	j.Problem = "the import failed on an internal error"
	if errors.As(cause, &e) && e.Code != errs.Internal {
		j.Problem = e.Detail
	}
	j.Status, j.FinishedAt = Failed, s.now().UTC()
	if err := s.save(ctx, j); err != nil {
		return errors.Join(cause, err)
	}
	return cause
}
