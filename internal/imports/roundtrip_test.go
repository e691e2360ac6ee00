package imports

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/xuri/excelize/v2"
)

// roll is a roll with every kind of value a member may have: all fields,
// none but the name, a branch without a code, quotes and commas.
func roll() []members.Member {
	d := civil.MustParse
	return []members.Member{
		{ID: "m1", BranchID: "b1", FullName: "Nguyễn Văn An", Gender: members.Male, BirthDate: d("1985-09-05"),
			NationalID: "001085012345", Phone: "0912345678", Address: "Thôn 1, xã Yên Lạc", JoinedOn: d("2010-03-01"), MemberNo: "CH01-001"},
		{ID: "m2", BranchID: "b1", FullName: "Lê Thị Cúc", Gender: members.Female, BirthDate: d("1990-02-28"), NationalID: "012345678"},
		{ID: "m3", BranchID: "b2", FullName: "Đỗ \"Út\" Thị Hoa", Gender: members.Other, Address: "Số 5; ngõ 3, \"Hà Nội\""},
		{ID: "m4", BranchID: "b2", FullName: "Phạm Văn Dũng", JoinedOn: d("2024-02-29"), Phone: "02438123456"},
		// A formula where Excel would run it, in a CSV: written as text.
		{ID: "m5", BranchID: "b1", FullName: "Hoàng Văn Tư", Address: "=HYPERLINK(\"http://x.vn\",\"bấm\")", MemberNo: "-5"},
	}
}

var branches = map[string]Branch{"b1": {Code: "CH01", Name: "Chi hội thôn 1"}, "b2": {Name: "Chi hội thôn 2"}}

func branchOf(id string) Branch { return branches[id] }

func seq(ms []members.Member) Members {
	return func(yield func(*members.Member, error) bool) {
		for i := range ms {
			if !yield(&ms[i], nil) {
				return
			}
		}
	}
}

// Export, then import: every row is the member it came from, unchanged.
func TestExportReadsBackUnchanged(t *testing.T) {
	for _, format := range []Format{CSV, XLSX} {
		t.Run(string(format), func(t *testing.T) {
			ms := roll()
			var buf bytes.Buffer
			var n int
			var err error
			if format == CSV {
				n, err = WriteCSV(&buf, seq(ms), branchOf)
			} else {
				n, err = WriteXLSX(&buf, Title{Unit: "Xã Yên Lạc", Day: today}, seq(ms), branchOf)
			}
			if err != nil || n != len(ms) {
				t.Fatalf("wrote %d, %v", n, err)
			}
			tab, rows := readAll(t, buf.Bytes(), OpenOptions{}, nil)
			if len(tab.Unknown()) != 0 || len(rows) != len(ms) {
				t.Fatalf("unknown %q, %d rows", tab.Unknown(), len(rows))
			}
			for i, p := range rows {
				m := ms[i]
				if !p.OK() {
					t.Fatalf("row %d: %+v", p.Row, p.Errors)
				}
				want := members.Input{FullName: m.FullName, Gender: m.Gender, BirthDate: m.BirthDate, NationalID: m.NationalID,
					Phone: m.Phone, Address: m.Address, JoinedOn: m.JoinedOn, MemberNo: m.MemberNo}
				if p.Input != want {
					t.Errorf("row %d: %+v\nwant  %+v", p.Row, p.Input, want)
				}
				if p.Branch.Text != branches[m.BranchID].text() {
					t.Errorf("row %d: branch %q", p.Row, p.Branch.Text)
				}
				if d := Decide(p, m.BranchID, []members.Member{m}, Answer{}); d.Action != Unchanged || d.MemberID != m.ID {
					t.Errorf("row %d decided %s %+v", p.Row, d.Action, d.Changes)
				}
			}
		})
	}
}

func TestExportCSVForExcel(t *testing.T) {
	var buf bytes.Buffer
	if _, err := WriteCSV(&buf, seq(roll()[4:]), branchOf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `,"'=HYPERLINK(""http://x.vn"",""bấm"")",,'-5,`) {
		t.Errorf("a formula is not defused: %q", buf.String())
	}
	buf.Reset()
	if _, err := WriteCSV(&buf, seq(roll()[:1]), branchOf); err != nil {
		t.Fatal(err)
	}
	want := "\xEF\xBB\xBFSTT,Họ và tên,Ngày sinh,Giới tính,Số CCCD,Điện thoại,Địa chỉ,Ngày vào hội,Số thẻ,Chi hội\r\n" +
		"1,Nguyễn Văn An,05/09/1985,Nam,001085012345,0912345678,\"Thôn 1, xã Yên Lạc\",01/03/2010,CH01-001,CH01\r\n"
	if buf.String() != want {
		t.Errorf("csv:\n%q\nwant\n%q", buf.String(), want)
	}
}

// The workbook as a person opens it: the title, the frozen bold header,
// widths, date cells that are dates.
func TestExportXLSXLayout(t *testing.T) {
	var buf bytes.Buffer
	if _, err := WriteXLSX(&buf, Title{Unit: "Xã Yên Lạc", Day: today}, seq(roll()), branchOf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	title, _ := f.GetCellValue(rollSheet, "A1")
	if !strings.Contains(title, "Xã Yên Lạc") || !strings.Contains(title, "01/12/2026") {
		t.Errorf("title %q", title)
	}
	merged, _ := f.GetMergeCells(rollSheet)
	if len(merged) != 1 || merged[0].GetStartAxis() != "A1" || merged[0].GetEndAxis() != "J1" {
		t.Errorf("merged %v", merged)
	}
	panes, err := f.GetPanes(rollSheet)
	if err != nil || !panes.Freeze || panes.YSplit != 2 {
		t.Errorf("panes %+v, %v", panes, err)
	}
	hs, _ := f.GetCellStyle(rollSheet, "B2")
	style, _ := f.GetStyle(hs)
	if style == nil || style.Font == nil || !style.Font.Bold {
		t.Errorf("header style %+v", style)
	}
	if w, _ := f.GetColWidth(rollSheet, "G"); w != 40 {
		t.Errorf("address width %v", w)
	}
	if typ, _ := f.GetCellType(rollSheet, "C3"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("birth date cell is text (%v)", typ)
	}
	if shown, _ := f.GetCellValue(rollSheet, "C3"); shown != "05/09/1985" {
		t.Errorf("birth date shows %q", shown)
	}
	if id, _ := f.GetCellValue(rollSheet, "E3"); id != "001085012345" {
		t.Errorf("national ID %q", id)
	}
	rows, _ := f.GetRows(rollSheet)
	if len(rows) != 2+len(roll()) || !slices.Equal(rows[1], RollHeader()) {
		t.Errorf("rows %q", rows)
	}
}
