package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/imports"
	"github.com/sohoi/sohoi/internal/members"
)

// exportFixture is a commune of two branches (one without a code is not
// possible through the API: both have codes) with members of every kind:
// all fields, a name only, text that looks like a formula, one who left.
type exportFixture struct {
	e              *env
	comm, b1, b2   unit
	viewer, editor string
}

func newExportFixture(t *testing.T) *exportFixture {
	e := newEnv(t)
	f := &exportFixture{e: e}
	prov := e.mustUnit("root", "province", "34")
	f.comm = e.mustUnit(prov.ID, "commune", "HL")
	f.b1 = e.mustUnit(f.comm.ID, "branch", "PM")
	f.b2 = e.mustUnit(f.comm.ID, "branch", "TD")
	f.viewer = e.mustUser("xa.viewer", "viewer", f.comm.ID)
	f.editor = e.mustUser("xa.editor", "editor", f.comm.ID)
	for _, m := range []struct {
		branch string
		body   map[string]any
	}{
		{f.b1.ID, map[string]any{"fullName": "Trần Thị Hoa", "gender": "female", "birthDate": "1960-05-19",
			"nationalId": "034160000001", "phone": "0912345678", "address": "Thôn Phú Mỹ, xã Hồng Lý", "joinedOn": "2022-07-02", "memberNo": "HL-PM-0042"}},
		{f.b1.ID, map[string]any{"fullName": "Nguyễn Văn An"}},
		{f.b2.ID, map[string]any{"fullName": "Lê Văn Bình", "gender": "male", "address": "=HYPERLINK(\"http://x.vn\")", "memberNo": "-7"}},
		{f.b2.ID, map[string]any{"fullName": "Đỗ Thị Cúc", "gender": "female", "birthDate": "1990-02-28", "joinedOn": "2024-02-29"}},
	} {
		e.expect(e.do("POST", "/api/v1/units/"+m.branch+"/members", e.admin, m.body), 201)
	}
	var gone struct {
		ID string `json:"id"`
	}
	e.expect(e.do("POST", "/api/v1/units/"+f.b2.ID+"/members", e.admin, map[string]any{"fullName": "Phạm Văn Đã Đi", "joinedOn": "2020-01-01"}), 201).decode(t, &gone)
	e.expect(e.do("POST", "/api/v1/members/"+gone.ID+"/leave", e.admin, map[string]any{"status": "left", "on": "2024-01-01"}), 200)
	return f
}

// stored is the roll as the store has it, in the official order.
func (f *exportFixture) stored(t *testing.T, statuses ...members.Status) []*members.Member {
	t.Helper()
	var out []*members.Member
	roll, err := f.e.app.Members.Export(context.Background(), access.System("test"), f.comm.ID, statuses)
	if err != nil {
		t.Fatal(err)
	}
	for m, err := range roll.Members {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// parse reads an exported file back as the import does.
func parse(t *testing.T, body []byte) (*imports.Table, []imports.Parsed) {
	t.Helper()
	src, err := imports.Open(bytes.NewReader(body), imports.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tab, err := imports.NewTable(src, nil, civil.Today(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	var rows []imports.Parsed
	for {
		p, err := tab.Next()
		if errors.Is(err, io.EOF) {
			return tab, rows
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, p)
	}
}

// An exported roll, read back by the import and decided against the
// stored members, is all "unchanged": every row is the member it came
// from, in the official order, CSV and XLSX alike.
func TestExportReimportsUnchanged(t *testing.T) {
	f := newExportFixture(t)
	codes := map[string]string{"PM": f.b1.ID, "TD": f.b2.ID}
	for _, tc := range []struct {
		query    string
		statuses []members.Status
	}{
		{"format=csv", []members.Status{members.Active}},
		{"format=xlsx", []members.Status{members.Active}},
		{"format=csv&status=all", nil},
		{"format=xlsx&status=all", nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			res := f.e.expect(f.e.do("GET", "/api/v1/units/"+f.comm.ID+"/members/export?"+tc.query, f.viewer, nil), 200)
			format := strings.TrimPrefix(strings.Split(tc.query, "&")[0], "format=")
			want := `attachment; filename="hoi-vien-HL-` + civil.Today(time.Now()).String() + "." + format + `"`
			if got := res.header.Get("Content-Disposition"); got != want {
				t.Errorf("Content-Disposition %q, want %q", got, want)
			}
			stored := f.stored(t, tc.statuses...)
			if len(stored) != 4 && tc.statuses != nil || len(stored) != 5 && tc.statuses == nil {
				t.Fatalf("%d members stored", len(stored))
			}
			tab, rows := parse(t, res.body)
			if len(tab.Unknown()) != 0 || len(rows) != len(stored) {
				t.Fatalf("unknown columns %q, %d rows for %d members", tab.Unknown(), len(rows), len(stored))
			}
			for i, p := range rows {
				m := stored[i]
				branchID := codes[p.Branch.Text]
				if !p.OK() || branchID != m.BranchID {
					t.Fatalf("row %d (%s): branch %q, errors %+v", p.Row, m.FullName, p.Branch.Text, p.Errors)
				}
				all := make([]members.Member, len(stored))
				for j, s := range stored {
					all[j] = *s
				}
				if d := imports.Decide(p, branchID, all, imports.Answer{}); d.Action != imports.Unchanged || d.MemberID != m.ID {
					t.Errorf("row %d (%s) decided %s on %s: %+v", p.Row, m.FullName, d.Action, d.MemberID, d.Changes)
				}
			}
		})
	}
}

// The workbook names the unit and the day in its title, and a formula
// typed into an address is text in the CSV.
func TestExportFileLayout(t *testing.T) {
	f := newExportFixture(t)
	res := f.e.expect(f.e.do("GET", "/api/v1/units/"+f.b2.ID+"/members/export?format=csv", f.viewer, nil), 200)
	if ct := res.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	body := string(res.body)
	if !strings.HasPrefix(body, "\ufeffSTT,Họ và tên,Ngày sinh,") || !strings.Contains(body, `"'=HYPERLINK(""http://x.vn"")"`) ||
		!strings.Contains(body, "Đỗ Thị Cúc,28/02/1990,Nữ,") || strings.Contains(body, "Trần Thị Hoa") {
		t.Errorf("csv of the branch:\n%s", body)
	}
	res = f.e.expect(f.e.do("GET", "/api/v1/units/"+f.comm.ID+"/members/export?format=xlsx", f.viewer, nil), 200)
	x, err := excelize.OpenReader(bytes.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	title, _ := x.GetCellValue("Danh sách", "A1")
	if !strings.Contains(title, "Đơn vị HL") || !strings.Contains(title, imports.FormatDate(civil.Today(time.Now()))) {
		t.Errorf("title %q", title)
	}
}

// Who may export: a viewer and up in scope; a reporter may not (403); a
// unit outside the caller's scope does not exist (404); bad parameters
// are 400 and nothing is sent.
func TestExportAccessAndInput(t *testing.T) {
	f := newExportFixture(t)
	e := f.e
	reporter := e.mustUser("xa.reporter", "reporter", f.comm.ID)
	other := e.mustUnit("root", "province", "01")
	path := "/api/v1/units/" + f.comm.ID + "/members/export"
	e.expect(e.do("GET", path, reporter, nil), 403, "forbidden")
	e.expect(e.do("GET", "/api/v1/units/"+other.ID+"/members/export", f.viewer, nil), 404, "not_found")
	e.expect(e.do("GET", path, "", nil), 401, "unauthenticated")
	r := e.expect(e.do("GET", path+"?format=pdf", f.viewer, nil), 400, "validation_failed")
	if !strings.Contains(string(r.body), `"field":"format"`) {
		t.Errorf("%s", r.body)
	}
	e.expect(e.do("GET", path+"?status=left", f.viewer, nil), 400, "validation_failed")
}

// The template: the headers, the drop-downs for gender and for the
// unit's branches; only for those who may import there.
func TestImportTemplate(t *testing.T) {
	f := newExportFixture(t)
	e := f.e
	e.expect(e.do("GET", "/api/v1/imports/template.xlsx?unitId="+f.comm.ID, f.viewer, nil), 403, "forbidden")
	e.expect(e.do("GET", "/api/v1/imports/template.xlsx", f.editor, nil), 400, "validation_failed")
	res := e.expect(e.do("GET", "/api/v1/imports/template.xlsx?unitId="+f.comm.ID, f.editor, nil), 200)
	if got := res.header.Get("Content-Disposition"); !strings.Contains(got, `filename="mau-nhap-hoi-vien-HL-`) {
		t.Errorf("Content-Disposition %q", got)
	}
	x, err := excelize.OpenReader(bytes.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	header, _ := x.GetRows("Danh sách")
	if len(header) < 2 || strings.Join(header[1], ",") != strings.Join(imports.RollHeader(), ",") {
		t.Errorf("rows %q", header)
	}
	listed, _ := x.GetRows("Chi hội")
	if len(listed) != 2 || listed[0][0] != "PM" || listed[1][0] != "TD" {
		t.Errorf("branches offered: %q", listed)
	}
	dvs, _ := x.GetDataValidations("Danh sách")
	if len(dvs) != 2 {
		t.Errorf("%d drop-downs", len(dvs))
	}
}
