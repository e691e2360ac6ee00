package importjobs

import (
	"context"
	"io"
	"time"

	"github.com/sohoi/sohoi/internal/imports"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Status of an import job.
type Status string

const (
	Queued  Status = "queued"
	Running Status = "running"
	Done    Status = "done"
	Failed  Status = "failed"
	Undone  Status = "undone"
)

// maxJobErrors is how many row errors the job itself lists (the rest are
// in its rows).
const maxJobErrors = 100

// Job is an import asked for and its progress. The file is kept beside
// it (JobStore) so that a restart resumes it.
type Job struct {
	ID     string        `json:"id"`
	UnitID string        `json:"unitId"`
	Path   unitpath.Path `json:"path"` // the unit's path: who may see the job
	Status Status        `json:"status"`
	DryRun bool          `json:"dryRun"`
	Sheet  string        `json:"sheet,omitempty"`
	// Answers to questions, by row number.
	Answers map[int]imports.Answer `json:"answers,omitempty"`
	// UserID is who asked: the job runs as them, with their grants as they
	// stand when it runs.
	UserID        string             `json:"userId"`
	Total         int                `json:"total"`
	Processed     int                `json:"processed"`
	Created       int                `json:"created"`
	Updated       int                `json:"updated"`
	Unchanged     int                `json:"unchanged"`
	Questions     int                `json:"questions"`
	Failed        int                `json:"failed"`
	RowsPerSecond float64            `json:"rowsPerSecond"`
	Encoding      string             `json:"encoding"`
	Unknown       []string           `json:"unknownColumns"`
	Header        []string           `json:"header"`
	Errors        []imports.RowError `json:"errors"`
	Problem       string             `json:"problem,omitempty"` // why the job failed
	Left          []LeftRow          `json:"left,omitempty"`    // rows an undo left as they are
	CreatedAt     time.Time          `json:"createdAt"`
	StartedAt     time.Time          `json:"startedAt"`
	FinishedAt    time.Time          `json:"finishedAt"`
	Version       int                `json:"version"`
	// LeaseUntil is when the instance running the job (Running) lets it
	// go unless it renews it, as it does with every batch recorded: an
	// instance that finds a running job leased to another leaves it, and
	// takes over a job whose lease ran out (its runner died). Only in the
	// stored job, never in the API.
	LeaseUntil time.Time `json:"leaseUntil,omitzero"`
}

// LeftRow is a row whose change an undo did not take back: the member was
// changed since by someone else.
type LeftRow struct {
	Row      int    `json:"row"`
	MemberID string `json:"memberId"`
	Reason   string `json:"reason"`
}

// JobStore keeps import jobs, their files and their rows' results.
type JobStore interface {
	// CreateImportJob stores a new job and its file (read to its end;
	// kept in chunks of at most 8 MB).
	CreateImportJob(ctx context.Context, j *Job, file io.Reader) error
	// GetImportJob returns a job or errs.NotFound.
	GetImportJob(ctx context.Context, id string) (*Job, error)
	// UpdateImportJob replaces j if the stored version is j.Version-1:
	// errs.VersionMismatch otherwise.
	UpdateImportJob(ctx context.Context, j *Job) error
	// ImportJobsWithStatus lists up to limit jobs in a status, oldest
	// first.
	ImportJobsWithStatus(ctx context.Context, st Status, limit int) ([]*Job, error)
	// ImportFile reads a job's file back.
	ImportFile(ctx context.Context, id string) (io.ReadCloser, error)
	// PutImportRows stores rows' results of a job, replacing any stored
	// for the same rows (a batch done again after a restart).
	PutImportRows(ctx context.Context, id string, rows []RowResult) error
	// ImportRows lists a job's row results with a row number above after,
	// in row order, up to limit.
	ImportRows(ctx context.Context, id string, after, limit int) ([]RowResult, error)
}
