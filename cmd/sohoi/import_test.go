package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeImports serves the import endpoints with the shapes of the API
// (POST /api/v1/imports → 202 {id, status}; GET /api/v1/imports/{id};
// GET /api/v1/imports/{id}/report): it is the client that is tested. The
// first upload is answered 503, so that the client must send it again,
// with the same Idempotency-Key.
type fakeImports struct {
	t        *testing.T
	job      map[string]any // the job once done
	mu       sync.Mutex
	uploads  []upload
	polls    int
	reported string // the format of the report asked for
}

type upload struct {
	key, token, unitID, dryRun, answers, fileName, file string
}

func (f *fakeImports) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Method == "POST" && r.URL.Path == "/api/v1/imports":
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		file, hdr, err := r.FormFile("file")
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		raw, _ := io.ReadAll(file)
		f.uploads = append(f.uploads, upload{key: r.Header.Get("Idempotency-Key"), token: r.Header.Get("Authorization"),
			unitID: r.FormValue("unitId"), dryRun: r.FormValue("dryRun"), answers: r.FormValue("answers"), fileName: hdr.Filename, file: string(raw)})
		if len(f.uploads) == 1 {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(503)
			_, _ = io.WriteString(w, `{"type":"x","title":"Service Unavailable","status":503,"code":"server_busy","detail":"busy"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(202)
		_, _ = io.WriteString(w, `{"id":"imp1","status":"queued"}`)
	case r.Method == "GET" && r.URL.Path == "/api/v1/imports/imp1":
		f.polls++
		job := map[string]any{"id": "imp1", "unitId": "u1", "status": "running", "dryRun": false, "total": 10,
			"processed": 3 * f.polls, "rowsPerSecond": 100.0, "created": 0, "updated": 0, "unchanged": 0, "questions": 0, "failed": 0,
			"encoding": "UTF-8 with BOM", "unknownColumns": []string{}, "errors": []any{}}
		if f.polls == 1 {
			job["status"], job["processed"] = "queued", 0
		}
		if f.polls >= 4 {
			job = f.job
		}
		_ = json.NewEncoder(w).Encode(job)
	case r.Method == "GET" && r.URL.Path == "/api/v1/imports/imp1/report":
		f.reported = r.URL.Query().Get("format")
		w.Header().Set("Content-Disposition", `attachment; filename="bao-cao-nhap.csv"`)
		_, _ = io.WriteString(w, "STT,Họ và tên,Kết quả\r\n1,Nguyễn Văn An,created\r\n")
	default:
		http.NotFound(w, r)
	}
}

func doneJob(failed, questions int) map[string]any {
	errs := []any{}
	if failed > 0 {
		errs = append(errs, map[string]any{"row": 7, "field": "birthDate", "message": "31/02/1980 is not a date"})
	}
	return map[string]any{"id": "imp1", "unitId": "u1", "status": "done", "dryRun": false, "total": 10, "processed": 10,
		"rowsPerSecond": 120.5, "created": 6, "updated": 1, "unchanged": 3 - failed - questions, "questions": questions, "failed": failed,
		"encoding": "UTF-8 with BOM", "unknownColumns": []string{"Ghi chú"}, "errors": errs}
}

func runImport(t *testing.T, f *fakeImports, extra ...string) (stdout, stderr string, err error) {
	t.Helper()
	importPoll = time.Millisecond
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	roll := filepath.Join(dir, "danh-sach.csv")
	if err := os.WriteFile(roll, []byte("\ufeffHọ và tên,Ngày sinh\r\nNguyễn Văn An,01/02/1980\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"SOHOI_TOKEN": "tok-123"}
	args := append([]string{"import", "--server", srv.URL, "--unit", "u1", roll}, extra...)
	var out, errOut strings.Builder
	err = run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	return out.String(), errOut.String(), err
}

// The import command uploads the file (again after a server error, with
// the same key), follows the job with plain progress lines when not on a
// terminal, prints the summary and writes the report; every row taken
// is exit 0.
func TestImportCommand(t *testing.T) {
	f := &fakeImports{t: t, job: doneJob(0, 0)}
	report := filepath.Join(t.TempDir(), "report.xlsx")
	stdout, stderr, err := runImport(t, f, "--dry-run", "--report", report)
	if err != nil {
		t.Fatalf("%v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
	}
	if len(f.uploads) != 2 || f.uploads[0].key == "" || f.uploads[0].key != f.uploads[1].key {
		t.Fatalf("uploads %+v: the retry must carry the first key", f.uploads)
	}
	u := f.uploads[1]
	if u.token != "Bearer tok-123" || u.unitID != "u1" || u.dryRun != "true" || u.fileName != "danh-sach.csv" || !strings.Contains(u.file, "Nguyễn Văn An") {
		t.Errorf("upload %+v", u)
	}
	for _, want := range []string{"import imp1: done, 10 rows (UTF-8 with BOM)", "created 6, updated 1, unchanged 3, questions 0, failed 0",
		"columns not read: Ghi chú", "report written to " + report} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	for _, want := range []string{"uploading again", "server_busy", "importing: 6 of 10 rows (60%)", "importing: 10 of 10 rows (100%)"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "\r") {
		t.Errorf("a bar, not lines, off a terminal:\n%q", stderr)
	}
	got, _ := os.ReadFile(report)
	if f.reported != "xlsx" || !strings.Contains(string(got), "Nguyễn Văn An,created") {
		t.Errorf("report (%s): %q", f.reported, got)
	}
}

// Rows that failed, or questions left, make the exit status 1, with the
// row errors in the summary; answers are sent as given.
func TestImportCommandFailsOnFailedRowsAndQuestions(t *testing.T) {
	answers := filepath.Join(t.TempDir(), "answers.json")
	if err := os.WriteFile(answers, []byte(`[{"row":4,"memberId":"m9"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		failed, questions int
		want              string
	}{{1, 0, "1 rows failed and 0 questions remain"}, {0, 2, "0 rows failed and 2 questions remain"}} {
		f := &fakeImports{t: t, job: doneJob(tc.failed, tc.questions)}
		stdout, _, err := runImport(t, f, "--answers", answers)
		if err == nil || !strings.Contains(err.Error(), tc.want) || exitCode(err) != 1 {
			t.Errorf("error %v (exit %d), want %q", err, exitCode(err), tc.want)
		}
		if tc.failed > 0 && !strings.Contains(stdout, "row 7, birthDate: 31/02/1980 is not a date") {
			t.Errorf("the summary lacks the row error:\n%s", stdout)
		}
		if got := f.uploads[1]; got.answers != `[{"row":4,"memberId":"m9"}]` || got.dryRun != "false" {
			t.Errorf("upload %+v", got)
		}
	}
}
