package httpapi_test

import (
	"bytes"
	"crypto/rand"
	"mime/multipart"
	"strconv"
	"strings"
	"testing"
	"time"
)

// multipartImport is the body of POST /api/v1/imports and its type.
func multipartImport(t *testing.T, file []byte, fields ...string) (string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := w.WriteField(fields[i], fields[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("file", "danh-sach.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(file)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String(), w.FormDataContentType()
}

type importJob struct {
	ID             string   `json:"id"`
	Status         string   `json:"status"`
	DryRun         bool     `json:"dryRun"`
	Total          int      `json:"total"`
	Processed      int      `json:"processed"`
	Created        int      `json:"created"`
	Updated        int      `json:"updated"`
	Unchanged      int      `json:"unchanged"`
	Questions      int      `json:"questions"`
	Failed         int      `json:"failed"`
	Encoding       string   `json:"encoding"`
	UnknownColumns []string `json:"unknownColumns"`
	Errors         []struct {
		Row   int    `json:"row"`
		Field string `json:"field"`
	} `json:"errors"`
	Left []struct {
		Row int `json:"row"`
	} `json:"left"`
}

// importAndWait posts an import and waits for the server's runner to end it.
func (e *env) importAndWait(token string, file []byte, fields ...string) importJob {
	e.t.Helper()
	body, ctype := multipartImport(e.t, file, fields...)
	r := e.expect(e.do("POST", "/api/v1/imports", token, body, "Content-Type", ctype), 202)
	loc := r.header.Get("Location")
	var j importJob
	r.decode(e.t, &j)
	if j.Status != "queued" || loc != "/api/v1/imports/"+j.ID {
		e.t.Fatalf("accepted %+v at %q", j, loc)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(30 * time.Millisecond) {
		e.expect(e.do("GET", loc, token, nil), 200).decode(e.t, &j)
		if j.Status != "queued" && j.Status != "running" {
			return j
		}
	}
	e.t.Fatalf("the import did not end: %+v", j)
	return j
}

const importCSV = "\ufeffSTT,Họ và tên,Ngày sinh,Giới tính,Số CCCD,Chi hội,Ghi chú\r\n" +
	"1,Nguyễn Văn An,05/09/1985,Nam,001085012345,CH01,\r\n" +
	"2,Phạm Thị Hoa,31/02/1990,Nữ,,CH01,\r\n" +
	"3,Hoàng Văn Dũng,12/12/1980,Nam,12345,CH02,\r\n" +
	"4,,01/01/1980,Nam,,CH02,\r\n" +
	"5,Vũ Thị Lan,02/03/1992,Nữ,,CH99,\r\n" +
	"6,Đỗ Thị Mai,15/08/1995,Nữ,001195000222,CH02,chuyển về\r\n"

func TestImportsOverHTTP(t *testing.T) {
	e := newEnv(t)
	p := e.mustUnit("root", "province", "34")
	c := e.mustUnit(e.mustUnit(p.ID, "district", "336").ID, "commune", "12436")
	e.mustUnit(c.ID, "branch", "CH01")
	e.mustUnit(c.ID, "branch", "CH02")
	editor := e.mustUser("chu.tich", "editor", c.ID)
	viewer := e.mustUser("xem", "viewer", c.ID)
	q := e.mustUnit("root", "province", "33")
	outsider := e.mustUser("ngoai", "admin", q.ID)

	dry := e.importAndWait(editor, []byte(importCSV), "unitId", c.ID, "dryRun", "true")
	if dry.Status != "done" || !dry.DryRun || dry.Total != 6 || dry.Processed != 6 || dry.Created != 2 || dry.Failed != 4 ||
		dry.Encoding != "UTF-8 with BOM" || len(dry.UnknownColumns) != 1 || dry.UnknownColumns[0] != "Ghi chú" {
		t.Fatalf("dry run: %+v", dry)
	}
	var got []string
	for _, er := range dry.Errors {
		got = append(got, strings.Join([]string{strconv.Itoa(er.Row), er.Field}, " "))
	}
	if want := "3 birthDate,4 nationalId,5 fullName,6 branchCode"; strings.Join(got, ",") != want {
		t.Fatalf("errors %v, want %s", got, want)
	}
	var members struct {
		Items []struct{ ID string } `json:"items"`
	}
	e.expect(e.do("GET", "/api/v1/units/"+c.ID+"/members", editor, nil), 200).decode(t, &members)
	if len(members.Items) != 0 {
		t.Fatalf("the dry run wrote %d members", len(members.Items))
	}

	var rows struct {
		Items []struct {
			Row      int    `json:"row"`
			Decision string `json:"decision"`
		} `json:"items"`
		Next string `json:"next"`
	}
	e.expect(e.do("GET", "/api/v1/imports/"+dry.ID+"/rows?limit=4", viewer, nil), 200).decode(t, &rows)
	if len(rows.Items) != 4 || rows.Next == "" || rows.Items[0].Decision != "create" || rows.Items[1].Decision != "error" {
		t.Fatalf("rows page 1: %+v", rows)
	}
	next := rows.Next
	rows.Next = ""
	e.expect(e.do("GET", "/api/v1/imports/"+dry.ID+"/rows?limit=4&cursor="+next, viewer, nil), 200).decode(t, &rows)
	if len(rows.Items) != 2 || rows.Next != "" || rows.Items[1].Row != 7 {
		t.Fatalf("rows page 2: %+v", rows)
	}
	rep := e.expect(e.do("GET", "/api/v1/imports/"+dry.ID+"/report?format=csv", editor, nil), 200)
	if s := string(rep.body); !strings.Contains(s, "Kết quả") || !strings.Contains(s, "Vũ Thị Lan") || !strings.Contains(s, "CH99") {
		t.Fatalf("report:\n%s", rep.body)
	}
	e.expect(e.do("GET", "/api/v1/imports/"+dry.ID+"/report?format=xlsx", editor, nil), 200)
	e.expect(e.do("GET", "/api/v1/imports/"+dry.ID, outsider, nil), 404, "not_found")
	e.expect(e.do("POST", "/api/v1/imports/"+dry.ID+"/undo", editor, nil), 409, "conflict")

	real := e.importAndWait(editor, []byte(importCSV), "unitId", c.ID)
	if real.Status != "done" || real.Created != 2 || real.Failed != 4 {
		t.Fatalf("real run: %+v", real)
	}
	e.expect(e.do("GET", "/api/v1/units/"+c.ID+"/members", editor, nil), 200).decode(t, &members)
	if len(members.Items) != 2 {
		t.Fatalf("%d members after the import", len(members.Items))
	}
	again := e.importAndWait(editor, []byte(importCSV), "unitId", c.ID)
	if again.Created != 0 || again.Unchanged != 2 {
		t.Fatalf("second run: %+v", again)
	}

	e.expect(e.do("POST", "/api/v1/imports/"+real.ID+"/undo", viewer, nil), 403, "forbidden")
	var undone importJob
	e.expect(e.do("POST", "/api/v1/imports/"+real.ID+"/undo", editor, nil), 200).decode(t, &undone)
	if undone.Status != "undone" || len(undone.Left) != 0 {
		t.Fatalf("undone: %+v", undone)
	}
	var active struct {
		Items []struct{ ID string } `json:"items"`
	}
	e.expect(e.do("GET", "/api/v1/units/"+c.ID+"/members?status=active", editor, nil), 200).decode(t, &active)
	if len(active.Items) != 0 {
		t.Fatalf("%d members still active after the undo", len(active.Items))
	}
}

func TestImportRefusals(t *testing.T) {
	e := newEnv(t)
	p := e.mustUnit("root", "province", "34")
	c := e.mustUnit(e.mustUnit(p.ID, "district", "336").ID, "commune", "12436")
	viewer := e.mustUser("xem", "viewer", c.ID)
	editor := e.mustUser("sua", "editor", c.ID)

	junk := make([]byte, 2048)
	_, _ = rand.Read(junk)
	body, ctype := multipartImport(t, junk, "unitId", c.ID)
	r := e.expect(e.do("POST", "/api/v1/imports", editor, body, "Content-Type", ctype), 400, "validation_failed")
	if !strings.Contains(string(r.body), "cannot be read as a roll") {
		t.Fatalf("random bytes: %s", r.body)
	}
	body, ctype = multipartImport(t, []byte(importCSV), "unitId", c.ID)
	e.expect(e.do("POST", "/api/v1/imports", viewer, body, "Content-Type", ctype), 403, "forbidden")
	body, ctype = multipartImport(t, []byte(importCSV), "unitId", p.ID)
	e.expect(e.do("POST", "/api/v1/imports", editor, body, "Content-Type", ctype), 404, "not_found")
	body, ctype = multipartImport(t, []byte(importCSV), "unitId", c.ID, "dryRun", "maybe", "answers", "{")
	r = e.expect(e.do("POST", "/api/v1/imports", editor, body, "Content-Type", ctype), 400, "validation_failed")
	if !strings.Contains(string(r.body), "dryRun") || !strings.Contains(string(r.body), "answers") {
		t.Fatalf("bad fields: %s", r.body)
	}
	e.expect(e.do("GET", "/api/v1/imports/0cw2e5n8r1t4v7y0", editor, nil), 404, "not_found")
}
