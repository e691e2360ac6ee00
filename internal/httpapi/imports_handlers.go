package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/importjobs"
	"github.com/sohoi/sohoi/internal/imports"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
)

const (
	// maxUpload bounds an import's file: a million-row CSV is about
	// 150 MB.
	maxUpload = 512 << 20
	// uploadTimeout is how long an upload may take to arrive, instead of
	// the 10 s other bodies get.
	uploadTimeout = 10 * time.Minute
	// uploadInMemory is how much of a multipart body is held in memory;
	// the rest goes to a temporary file.
	uploadInMemory = 8 << 20
)

type importJSON struct {
	ID             string               `json:"id"`
	UnitID         string               `json:"unitId"`
	Status         importjobs.Status    `json:"status"`
	DryRun         bool                 `json:"dryRun"`
	Total          int                  `json:"total"`
	Processed      int                  `json:"processed"`
	RowsPerSecond  float64              `json:"rowsPerSecond"`
	Created        int                  `json:"created"`
	Updated        int                  `json:"updated"`
	Unchanged      int                  `json:"unchanged"`
	Questions      int                  `json:"questions"`
	Failed         int                  `json:"failed"`
	Encoding       string               `json:"encoding"`
	UnknownColumns []string             `json:"unknownColumns"`
	Errors         []imports.RowError   `json:"errors"`
	Problem        string               `json:"problem,omitempty"`
	Left           []importjobs.LeftRow `json:"left,omitempty"`
}

func toImportJSON(j *importjobs.Job) importJSON {
	out := importJSON{ID: j.ID, UnitID: j.UnitID, Status: j.Status, DryRun: j.DryRun, Total: j.Total, Processed: j.Processed,
		RowsPerSecond: j.RowsPerSecond, Created: j.Created, Updated: j.Updated, Unchanged: j.Unchanged, Questions: j.Questions,
		Failed: j.Failed, Encoding: j.Encoding, UnknownColumns: j.Unknown, Errors: j.Errors, Problem: j.Problem, Left: j.Left}
	if out.UnknownColumns == nil {
		out.UnknownColumns = []string{}
	}
	if out.Errors == nil {
		out.Errors = []imports.RowError{}
	}
	return out
}

type importRowJSON struct {
	Row        int                 `json:"row"`
	Decision   imports.Action      `json:"decision"`
	MemberID   string              `json:"memberId,omitempty"`
	Changes    []members.Change    `json:"changes"`
	Candidates []imports.Candidate `json:"candidates"`
	Errors     []imports.RowError  `json:"errors"`
}

func toImportRowJSON(r importjobs.RowResult) importRowJSON {
	out := importRowJSON{Row: r.Row, Decision: r.Decision, MemberID: r.MemberID, Changes: r.Changes, Candidates: r.Candidates, Errors: r.Errors}
	if out.Changes == nil {
		out.Changes = []members.Change{}
	}
	if out.Candidates == nil {
		out.Candidates = []imports.Candidate{}
	}
	if out.Errors == nil {
		out.Errors = []imports.RowError{}
	}
	return out
}

// createImport takes the multipart upload (file, unitId, dryRun, answers,
// sheet) and queues the job: 202 with where to follow it.
func (s *server) createImport(c *gin.Context) error {
	_ = http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(uploadTimeout))
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxUpload)
	if err := c.Request.ParseMultipartForm(uploadInMemory); err != nil {
		if _, ok := err.(*http.MaxBytesError); ok {
			return errs.E(errs.PayloadTooLarge, "the file is larger than %d MB", maxUpload>>20)
		}
		return (errs.Fields{{Field: "", Message: "the request must be multipart/form-data with a file: " + err.Error()}}).Err()
	}
	defer func() { _ = c.Request.MultipartForm.RemoveAll() }()
	var f errs.Fields
	req := importjobs.Request{UnitID: c.PostForm("unitId"), Sheet: c.PostForm("sheet")}
	if req.UnitID == "" {
		f.Add("unitId", "is required")
	}
	switch v := c.DefaultPostForm("dryRun", "false"); v {
	case "true", "false":
		req.DryRun = v == "true"
	default:
		f.Add("dryRun", "must be true or false")
	}
	if v := c.PostForm("answers"); v != "" {
		var raw map[string]string
		if err := json.Unmarshal([]byte(v), &raw); err != nil {
			f.Add("answers", `must be a JSON object {"<row>": "new" or "<memberId>"}`)
		}
		req.Answers = map[int]imports.Answer{}
		for k, a := range raw {
			row, err := strconv.Atoi(k)
			switch {
			case err != nil || row < 1:
				f.Add("answers", "%q is not a row number", k)
			case a == "new":
				req.Answers[row] = imports.Answer{New: true}
			case a == "":
				f.Add("answers", "the answer for row %d is empty", row)
			default:
				req.Answers[row] = imports.Answer{MemberID: a}
			}
		}
	}
	file, _, err := c.Request.FormFile("file")
	if err != nil {
		f.Add("file", "is required: the roll as CSV, XLSX or NDJSON")
	}
	if err := f.Err(); err != nil {
		return err
	}
	defer file.Close()
	j, err := s.Imports.Submit(c.Request.Context(), callerOf(c), req, file)
	if err != nil {
		return err
	}
	c.Header("Location", "/api/v1/imports/"+j.ID)
	return reply(c, http.StatusAccepted, gin.H{"id": j.ID, "status": j.Status})
}

func (s *server) getImport(c *gin.Context) error {
	j, err := s.Imports.Get(c.Request.Context(), callerOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return reply(c, http.StatusOK, toImportJSON(j))
}

func (s *server) importRows(c *gin.Context) error {
	p, err := page.Parse(c.Query("limit"), c.Query("cursor"), page.IsOffset)
	if err != nil {
		return err
	}
	rows, next, err := s.Imports.Rows(c.Request.Context(), callerOf(c), c.Param("id"), p.Cursor, p.Limit)
	if err != nil {
		return err
	}
	body := gin.H{"items": each(rows, toImportRowJSON)}
	if next != "" {
		body["next"] = next
	}
	return reply(c, http.StatusOK, body)
}

func (s *server) importReport(c *gin.Context) error {
	format := imports.Format(c.DefaultQuery("format", "csv"))
	var buf bytes.Buffer
	if err := s.Imports.Report(c.Request.Context(), callerOf(c), c.Param("id"), format, &buf); err != nil {
		return err
	}
	ctype := "text/csv; charset=utf-8"
	if format == imports.XLSX {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="import-%s.%s"`, c.Param("id"), format))
	c.Data(http.StatusOK, ctype, buf.Bytes())
	return nil
}

func (s *server) undoImport(c *gin.Context) error {
	j, err := s.Imports.Undo(c.Request.Context(), callerOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	return reply(c, http.StatusOK, toImportJSON(j))
}
