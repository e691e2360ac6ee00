package imports

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/members"
	"github.com/xuri/excelize/v2"
)

func TestTemplate(t *testing.T) {
	var buf bytes.Buffer
	bs := []Branch{{Code: "CH01", Name: "Chi hội thôn 1"}, {Name: "Chi hội thôn 2"}}
	if err := WriteTemplate(&buf, Title{Unit: "Xã Yên Lạc", Day: today}, bs); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dvs, err := f.GetDataValidations(rollSheet)
	if err != nil {
		t.Fatal(err)
	}
	var lists []string
	for _, dv := range dvs {
		lists = append(lists, dv.Sqref+" "+dv.Formula1)
	}
	want := []string{`D3:D5002 "Nam,Nữ,Khác"`, `J3:J5002 'Chi hội'!$A$1:$A$2`}
	if len(lists) != 2 || !strings.HasPrefix(lists[0], "D3:D5002") || !strings.Contains(lists[0], "Nam,Nữ,Khác") ||
		lists[1] != want[1] {
		t.Errorf("validations %q, want %q", lists, want)
	}
	if visible, _ := f.GetSheetVisible(branchSheet); visible {
		t.Error("the branch list is visible")
	}
	if got, _ := f.GetRows(branchSheet); len(got) != 2 || got[0][0] != "CH01" || got[1][0] != "Chi hội thôn 2" {
		t.Errorf("branch list %q", got)
	}
	for cell, bold := range map[string]bool{"A1": true, "B2": true, "C3": false} {
		id, _ := f.GetCellStyle(rollSheet, cell)
		st, _ := f.GetStyle(id)
		if st == nil || (st.Font != nil && st.Font.Bold) != bold {
			t.Errorf("%s: style %+v, want bold %v", cell, st, bold)
		}
	}
	if id, _ := f.GetCellStyle(rollSheet, "C3"); id == 0 {
		t.Error("the birth date column has no date format")
	}
	rows, _ := f.GetRows(rollSheet)
	if len(rows) < 2 || !slices.Equal(rows[1], RollHeader()) {
		t.Errorf("rows %q", rows)
	}
	// The empty roll reads as a roll with no rows.
	tab, parsed := readAll(t, data, OpenOptions{}, nil)
	if len(parsed) != 0 || len(tab.Unknown()) != 0 {
		t.Errorf("template read as %d rows, unknown %q", len(parsed), tab.Unknown())
	}
}

func TestReport(t *testing.T) {
	_, rows := readAll(t, []byte(rollCSV), OpenOptions{}, nil)
	header := []string{"STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Điện thoại", "Địa chỉ", "Ngày vào hội", "Số thẻ", "Chi hội", "Ghi chú"}
	for _, format := range []Format{CSV, XLSX} {
		t.Run(string(format), func(t *testing.T) {
			var buf bytes.Buffer
			r, err := NewReport(&buf, format, header)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range rows {
				if err := r.Write(p.Cells, Decide(p, "b1", nil, Answer{})); err != nil {
					t.Fatal(err)
				}
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			var got [][]string
			if format == CSV {
				got, err = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), utf8BOM))).ReadAll()
			} else {
				f, ferr := excelize.OpenReader(&buf)
				if ferr != nil {
					t.Fatal(ferr)
				}
				got, err = f.GetRows(f.GetSheetName(0))
				f.Close()
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 6 || got[0][0] != "Dòng" || got[0][len(got[0])-2] != "Kết quả" || !slices.Equal(got[0][1:12], header) {
				t.Fatalf("report %q", got)
			}
			// Row 3 of the file: its own cells, an error on the birth date.
			r3 := got[2]
			if r3[0] != "3" || r3[2] != "Trần Thị Bình" || r3[3] != "31/02/1990" || r3[12] != "error (lỗi)" ||
				!strings.Contains(r3[13], "Ngày sinh:") || !strings.Contains(r3[13], "not a day that exists") {
				t.Errorf("row 3 reported as %q", r3)
			}
			if got[1][12] != "create (thêm mới)" {
				t.Errorf("row 2 reported as %q", got[1])
			}
		})
	}
}

func TestMessage(t *testing.T) {
	d := Decision{Action: Update, Changes: []members.Change{{Field: "phone", From: "", To: "0912345678"}, {Field: "branchId", From: "b1", To: "b2"}}}
	if got := Message(d); got != `Điện thoại: "" → "0912345678"; Chi hội: "b1" → "b2"` {
		t.Errorf("update: %s", got)
	}
	q := Decision{Action: Question, Candidates: []Candidate{{MemberID: "m1", FullName: "Nguyễn Văn An", BranchID: "b1", Why: ByNameYear}}}
	if got := Message(q); got != "có thể là: Nguyễn Văn An (m1, b1) khớp theo nameBirthYear" {
		t.Errorf("question: %s", got)
	}
}

// An NDJSON key first seen after the report began: its cell goes after
// the decision, and the columns under the header stay in place.
func TestReportExtraCells(t *testing.T) {
	var buf bytes.Buffer
	r, err := NewReport(&buf, CSV, []string{"fullName"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Write([]string{"An", "late"}, Decision{Row: 2, Action: Create}); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	want := "\xEF\xBB\xBFDòng,fullName,Kết quả,Ghi chú\r\n2,An,create (thêm mới),,late\r\n"
	if buf.String() != want {
		t.Errorf("report %q, want %q", buf.String(), want)
	}
}
