package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/demo"
	"github.com/sohoi/sohoi/internal/imports"
	"github.com/sohoi/sohoi/internal/store/sqlite"
)

// Faults (issue 19.6): the server is killed (SIGKILL, no shutdown) while
// member creates, an import and a merge of two communes are under way.
// After a restart every create that was acknowledged is there once, the
// import resumes and ends with every row decided, the merge asked again
// finishes, the counters equal a recount from the facts (reconcile
// repairs nothing) and the audit chain verifies.
func TestKilledDuringWritesAnImportAndAMerge(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds a province and kills a server")
	}
	dir := t.TempDir()
	env := map[string]string{"SOHOI_DATA_DIR": dir, "SOHOI_LOG_LEVEL": "error"}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()
	for _, args := range [][]string{
		{"seed", "units", "--tree", "2025-03", "--province", "34"},
		{"seed", "members", "--province", "34", "--branches-per-commune", "1", "--count", "300"},
	} {
		if err := run(ctx, args, getenv, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	// Two communes of one district to merge, and a third to import into.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.FileName)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var target, source, importInto, branches string
	if err := db.QueryRow(`SELECT a.id, b.id, c.id FROM units a JOIN units b ON b.parent_id = a.parent_id AND b.code > a.code
		JOIN units c ON c.parent_id = a.parent_id AND c.code > b.code WHERE a.level = 'commune' ORDER BY a.code LIMIT 1`).Scan(&target, &source, &importInto); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT json_group_array(id) FROM (SELECT id FROM units WHERE level = 'branch' ORDER BY code, id LIMIT 8)`).Scan(&branches); err != nil {
		t.Fatal(err)
	}
	var branchIDs []string
	_ = json.Unmarshal([]byte(branches), &branchIDs)

	const password = "fault-admin-password"
	p := startServer(t, "SOHOI_DATA_DIR="+dir, "SOHOI_ADMIN_PASSWORD="+password, "SOHOI_LOG_LEVEL=error")
	admin := p.login("admin", password)

	// Writers: creates until the kill; those answered 201 are recorded.
	var mu sync.Mutex
	acked := map[string]string{} // member id → national id
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 19))
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				in := demo.Person(r, "34", civil.Today(time.Now()), 500_000+w*100_000+i)
				body, _ := json.Marshal(map[string]any{"fullName": in.FullName, "birthDate": in.BirthDate.String(), "gender": in.Gender,
					"nationalId": in.NationalID, "joinedOn": in.JoinedOn.String()})
				status, out, err := post(p.addr, "/api/v1/units/"+branchIDs[(w+i)%len(branchIDs)]+"/members", admin, "application/json", body)
				if err != nil {
					return // the server is gone
				}
				if status == 201 {
					mu.Lock()
					acked[out["id"].(string)] = in.NationalID
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)

	// The import: 6,000 new members into the third commune's branch.
	var roll bytes.Buffer
	roll.WriteString("Họ và tên,Ngày sinh,Giới tính,Số CCCD,Ngày vào hội,Chi hội\n")
	r := rand.New(rand.NewPCG(7, 7))
	for i := range 6000 {
		in := demo.Person(r, "34", civil.Today(time.Now()), 900_000+i)
		g := "Nam"
		if in.Gender == "female" {
			g = "Nữ"
		}
		fmt.Fprintf(&roll, "%s,%s,%s,%s,%s,CH01\n", in.FullName, imports.FormatDate(in.BirthDate), g, in.NationalID, imports.FormatDate(in.JoinedOn))
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	_ = mw.WriteField("unitId", importInto)
	fw, _ := mw.CreateFormFile("file", "roll.csv")
	_, _ = fw.Write(roll.Bytes())
	_ = mw.Close()
	status, job, err := post(p.addr, "/api/v1/imports", admin, mw.FormDataContentType(), form.Bytes())
	if err != nil || status != 202 {
		t.Fatalf("import: %d %v %v", status, job, err)
	}
	jobID := job["id"].(string)

	// The merge, and the kill while all of it is under way.
	merged := make(chan struct{})
	go func() {
		defer close(merged)
		body, _ := json.Marshal(map[string]any{"sources": []string{source}})
		_, _, _ = post(p.addr, "/api/v1/units/"+target+"/merge", admin, "application/json", body)
	}()
	// Killed once the import has recorded a batch, half-way.
	var before map[string]any
	for wait := time.Now().Add(time.Minute); ; {
		_, before = p.call("GET", "/api/v1/imports/"+jobID, admin, nil)
		if n, _ := before["processed"].(float64); n > 0 || time.Now().After(wait) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if before["status"] != "running" || before["processed"].(float64) >= 6000 {
		t.Fatalf("the import was not caught half-way: %v", before)
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
	close(stop)
	wg.Wait()
	<-merged
	if len(acked) == 0 {
		t.Fatal("no create was acknowledged before the kill")
	}
	t.Logf("killed with %d creates acknowledged, the import %v at %v of %v", len(acked), before["status"], before["processed"], before["total"])

	q := startServer(t, "SOHOI_DATA_DIR="+dir, "SOHOI_LOG_LEVEL=error")
	admin = q.login("admin", password)
	for id, nid := range acked {
		if status, m := q.call("GET", "/api/v1/members/"+id, admin, nil); status != 200 || m["nationalId"] != nid {
			t.Fatalf("acknowledged member %s after the restart: %d %v", id, status, m)
		}
	}
	var twice int
	if err := db.QueryRow(`SELECT count(*) FROM (SELECT national_id FROM members WHERE national_id <> '' GROUP BY national_id HAVING count(*) > 1)`).Scan(&twice); err != nil || twice != 0 {
		t.Fatalf("%d national IDs stored twice (%v)", twice, err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		status, j := q.call("GET", "/api/v1/imports/"+jobID, admin, nil)
		if status != 200 {
			t.Fatalf("import after the restart: %d %v", status, j)
		}
		if j["status"] == "done" {
			if n := j["created"].(float64) + j["updated"].(float64) + j["unchanged"].(float64); n != 6000 || j["failed"].(float64) != 0 {
				t.Fatalf("the resumed import: %v", j)
			}
			break
		}
		if j["status"] == "failed" || time.Now().After(deadline) {
			t.Fatalf("the import did not finish after the restart: %v", j)
		}
		time.Sleep(300 * time.Millisecond)
	}
	var imported int
	if err := db.QueryRow(`SELECT count(*) FROM members WHERE national_id LIKE '034%' AND member_no = '' AND path LIKE '%/' || ? || '/%'`, importInto).Scan(&imported); err != nil || imported < 6000 {
		t.Fatalf("%d members in the imported commune, want the file's 6,000 at least (%v)", imported, err)
	}
	body, _ := json.Marshal(map[string]any{"sources": []string{source}})
	// Asked again, a merge finishes (one that had finished is refused, as
	// its source is closed: either way nothing fails on the server).
	if status, m, err := post(q.addr, "/api/v1/units/"+target+"/merge", admin, "application/json", body); err != nil || status >= 500 {
		t.Fatalf("the merge asked again: %d %v %v", status, m, err)
	}
	if status, s := q.call("GET", "/api/v1/units/"+source, admin, nil); status != 200 || s["status"] != "closed" || s["mergedInto"] != target {
		t.Fatalf("the merged commune: %d %v", status, s)
	}

	// Stopped cleanly, the counters equal a recount and the chain verifies.
	if err := q.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	_ = q.cmd.Wait()
	var out strings.Builder
	if err := run(ctx, []string{"reconcile"}, getenv, &out, io.Discard); err != nil || !strings.Contains(out.String(), " 0 repaired") {
		t.Fatalf("reconcile after the faults: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "verify"}, getenv, &out, io.Discard); err != nil || !strings.Contains(out.String(), "audit chain intact") {
		t.Fatalf("audit verify after the faults: %v\n%s", err, out.String())
	}
}

// post sends body to the server and decodes a JSON answer.
func post(addr, path, token, ctype string, body []byte) (int, map[string]any, error) {
	req, _ := http.NewRequest("POST", "http://"+addr+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out, nil
}
