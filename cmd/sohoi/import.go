package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const importUsage = `usage: sohoi import --server URL --unit ID FILE [--dry-run] [--answers FILE] [--report FILE]

Imports a roll (CSV, XLSX or NDJSON, with the headers of an exported roll
or of the template) into a unit through a sohoi server's API: it uploads
the file (POST /api/v1/imports), follows the job to its end (a progress
bar on a terminal, plain lines otherwise), prints what it did (created,
updated, unchanged, questions, failed) and writes the per-row report to
--report (CSV, or XLSX when the name ends in .xlsx), with the file's own
columns and the decision on each row, so that the errors are fixed in
the file itself.

--dry-run writes nothing and shows what a real run would do. A question
(a row that may be one of several members) is answered in --answers, a
JSON file as POST /api/v1/imports takes it. The upload carries an
Idempotency-Key, so that one sent again after a lost answer is not
imported twice; --idempotency-key sets it, for scripts that may run the
same command again.

It exits 0 when every row was taken, 1 when rows failed or questions
remain (or the job failed), 2 for a command line it cannot run. The access
token is SOHOI_TOKEN; without it, on a terminal, it asks for a username and
password and signs in.`

// importJob is an import as GET /api/v1/imports/{id} shows it.
type importJob struct {
	ID             string   `json:"id"`
	UnitID         string   `json:"unitId"`
	Status         string   `json:"status"`
	DryRun         bool     `json:"dryRun"`
	Total          int      `json:"total"`
	Processed      int      `json:"processed"`
	RowsPerSecond  float64  `json:"rowsPerSecond"`
	Created        int      `json:"created"`
	Updated        int      `json:"updated"`
	Unchanged      int      `json:"unchanged"`
	Questions      int      `json:"questions"`
	Failed         int      `json:"failed"`
	Encoding       string   `json:"encoding"`
	UnknownColumns []string `json:"unknownColumns"`
	Errors         []struct {
		Row     int    `json:"row"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func (j *importJob) finished() bool {
	return j.Status == "done" || j.Status == "failed" || j.Status == "undone"
}

// importPoll is how often the job is asked how far it has come.
var importPoll = 500 * time.Millisecond

// errorsShown is how many row errors the summary lists (the report has
// them all).
const errorsShown = 20

// importRoll uploads a roll and follows its import to the end.
func importRoll(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommand("import", importUsage, stdout, stderr)
	c.args = true
	cf := addClientFlags(c, getenv)
	unitID := c.fs.String("unit", "", "id of the unit to import into (required)")
	dryRun := c.fs.Bool("dry-run", false, "show what the import would do, write nothing")
	answersFile := c.fs.String("answers", "", "a JSON file of answers to the questions of an earlier run")
	reportFile := c.fs.String("report", "", "write the per-row report here (CSV, or XLSX for a name ending in .xlsx)")
	key := c.fs.String("idempotency-key", "", "the upload's Idempotency-Key (default: a new one for each run)")
	// Flags may follow the file (sohoi import … FILE --dry-run): the
	// flag package stops at the first argument, so parse on after it.
	var files []string
	for rest := args; ; {
		if err := c.parse(rest); err != nil {
			return err
		}
		if c.fs.NArg() == 0 {
			break
		}
		files = append(files, c.fs.Arg(0))
		rest = c.fs.Args()[1:]
	}
	switch {
	case *unitID == "":
		return c.fail("--unit is required")
	case len(files) != 1:
		return c.fail("give one FILE to import")
	}
	file := files[0]
	if _, err := os.Stat(file); err != nil {
		return err
	}
	var answers []byte
	if *answersFile != "" {
		raw, err := os.ReadFile(*answersFile)
		if err != nil {
			return err
		}
		if !json.Valid(raw) {
			return fmt.Errorf("%s is not JSON", *answersFile)
		}
		answers = raw
	}
	if *key == "" {
		*key = newKey()
	}
	api, err := cf.connect(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	job, err := uploadRoll(ctx, api, file, *unitID, *dryRun, answers, *key, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "import %s queued\n", job.ID)
	job, err = followImport(ctx, api, job.ID, stderr)
	if err != nil {
		return err
	}
	printSummary(stdout, job)
	if *reportFile != "" && job.Status != "failed" {
		format := "csv"
		if strings.EqualFold(filepath.Ext(*reportFile), ".xlsx") {
			format = "xlsx"
		}
		if _, err := api.download(ctx, "/api/v1/imports/"+url.PathEscape(job.ID)+"/report?format="+format, *reportFile, stdout); err != nil {
			return fmt.Errorf("the report: %w", err)
		}
		fmt.Fprintln(stdout, "report written to", *reportFile)
	}
	switch {
	case job.Status == "failed":
		return fmt.Errorf("import %s failed", job.ID)
	case job.Failed > 0 || job.Questions > 0:
		return fmt.Errorf("%d rows failed and %d questions remain: see the report", job.Failed, job.Questions)
	}
	return nil
}

// newKey is a fresh Idempotency-Key.
func newKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// uploadRoll posts the file, streamed from disk, as the multipart form
// of POST /api/v1/imports; a try that failed on the way (no answer, a
// server error, or the first try still running) is sent again with the
// same key, up to three times.
func uploadRoll(ctx context.Context, api *apiClient, file, unitID string, dryRun bool, answers []byte, key string, stderr io.Writer) (*importJob, error) {
	var job importJob
	var err error
	for attempt := 1; ; attempt++ {
		body, ctype := multipartRoll(file, unitID, dryRun, answers)
		err = api.do(ctx, "POST", "/api/v1/imports", ctype, body, []string{"Idempotency-Key", key}, &job)
		body.Close()
		var p *problemError
		if err == nil || attempt == 3 || ctx.Err() != nil || errors.As(err, &p) && !p.retryable() {
			break
		}
		fmt.Fprintf(stderr, "uploading again (%v)\n", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Duration(attempt) * time.Second):
		}
	}
	if err != nil {
		return nil, fmt.Errorf("uploading %s: %w", file, err)
	}
	return &job, nil
}

// multipartRoll streams the form: unitId, dryRun, answers and the file.
// The boundary is fixed, so that every try sends the very same bytes.
func multipartRoll(file, unitID string, dryRun bool, answers []byte) (io.ReadCloser, string) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	_ = mw.SetBoundary("sohoi-import-form-boundary-7d1f0c2e")
	go func() {
		err := func() error {
			if err := mw.WriteField("unitId", unitID); err != nil {
				return err
			}
			if err := mw.WriteField("dryRun", strconv.FormatBool(dryRun)); err != nil {
				return err
			}
			if answers != nil {
				if err := mw.WriteField("answers", string(answers)); err != nil {
					return err
				}
			}
			f, err := os.Open(file)
			if err != nil {
				return err
			}
			defer f.Close()
			part, err := mw.CreateFormFile("file", filepath.Base(file))
			if err != nil {
				return err
			}
			if _, err := io.Copy(part, f); err != nil {
				return err
			}
			return mw.Close()
		}()
		pw.CloseWithError(err)
	}()
	return pr, mw.FormDataContentType()
}

// followImport asks for the job until it ends, showing its progress.
func followImport(ctx context.Context, api *apiClient, id string, stderr io.Writer) (*importJob, error) {
	var p progress
	defer func() {
		if p != nil {
			p.Done()
		}
	}()
	for {
		var job importJob
		if err := api.do(ctx, "GET", "/api/v1/imports/"+url.PathEscape(id), "", nil, nil, &job); err != nil {
			return nil, err
		}
		if p == nil && job.Total > 0 {
			p = newProgress(stderr, "importing", "rows", job.Total)
		}
		if p != nil {
			p.Set(job.Processed)
		}
		if job.finished() {
			return &job, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("stopped following import %s (it goes on on the server): %w", id, ctx.Err())
		case <-time.After(importPoll):
		}
	}
}

// printSummary says what the import did.
func printSummary(w io.Writer, j *importJob) {
	what := "import"
	if j.DryRun {
		what = "dry run"
	}
	fmt.Fprintf(w, "%s %s: %s, %d rows", what, j.ID, j.Status, j.Total)
	if j.Encoding != "" {
		fmt.Fprintf(w, " (%s)", j.Encoding)
	}
	fmt.Fprintf(w, "\n  created %d, updated %d, unchanged %d, questions %d, failed %d\n",
		j.Created, j.Updated, j.Unchanged, j.Questions, j.Failed)
	if len(j.UnknownColumns) > 0 {
		fmt.Fprintf(w, "  columns not read: %s\n", strings.Join(j.UnknownColumns, ", "))
	}
	for i, e := range j.Errors {
		if i == errorsShown {
			fmt.Fprintf(w, "  … and %d more (see the report)\n", len(j.Errors)-errorsShown)
			break
		}
		field := e.Field
		if field == "" {
			field = "row"
		}
		fmt.Fprintf(w, "  row %d, %s: %s\n", e.Row, field, e.Message)
	}
}
