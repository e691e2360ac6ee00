package imports

import (
	"bytes"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/xuri/excelize/v2"
)

// rollCSV is a roll as a secretary's spreadsheet gives it: Vietnamese
// headers, a column nobody asked for, and four faulty rows (a 31 February,
// a national ID of 11 letters, an empty name, a gender nobody writes).
const rollCSV = `STT,Họ và tên,Ngày sinh,Giới tính,Số CCCD,Điện thoại,Địa chỉ,Ngày vào hội,Số thẻ,Chi hội,Ghi chú
1,Nguyễn Văn An,05/09/1985,Nam,001085012345,0912 345 678,"Thôn 1, xã Yên Lạc",1/3/2010,CH01-001,CH01,
2,Trần Thị Bình,31/02/1990,Nữ,,,,,,CH01,sai ngày
3,Lê Thị Cúc,1990,Nữ,00119O123456,,,,,CH01,sai CCCD
4,,01/01/1970,Nam,,,,,,CH01,thiếu tên
5,Phạm Văn Dũng,1970-01-01,Không rõ,,,,,,CH02,
`

func TestReadCSVWithBOMAndVietnameseHeaders(t *testing.T) {
	tab, rows := readAll(t, append([]byte("\xEF\xBB\xBF"), rollCSV...), OpenOptions{}, nil)
	if tab.Encoding() != "UTF-8 with BOM" {
		t.Errorf("encoding = %q", tab.Encoding())
	}
	if !reflect.DeepEqual(tab.Unknown(), []string{"Ghi chú"}) {
		t.Errorf("unknown = %q, want [Ghi chú]", tab.Unknown())
	}
	if len(rows) != 5 {
		t.Fatalf("%d rows, want 5", len(rows))
	}
	want := []string{"3 birthDate", "4 nationalId", "5 fullName", "6 gender"}
	if got := errorsOf(rows); !reflect.DeepEqual(got, want) {
		t.Errorf("errors at %q, want %q", got, want)
	}
	an := rows[0]
	if an.Row != 2 || !an.OK() {
		t.Fatalf("first row: %+v", an)
	}
	wantIn := members.Input{FullName: "Nguyễn Văn An", Gender: members.Male, BirthDate: civil.MustParse("1985-09-05"),
		NationalID: "001085012345", Phone: "0912345678", Address: "Thôn 1, xã Yên Lạc",
		JoinedOn: civil.MustParse("2010-03-01"), MemberNo: "CH01-001"}
	if an.Input != wantIn {
		t.Errorf("input = %+v\nwant    %+v", an.Input, wantIn)
	}
	if an.Branch != (BranchRef{Text: "CH01"}) {
		t.Errorf("branch = %+v", an.Branch)
	}
	// A year alone is kept as a year.
	if rows[2].BirthYear != 1990 || !rows[2].Input.BirthDate.IsZero() {
		t.Errorf("year-only birth: %+v", rows[2])
	}
}

func TestReadCSVWithoutBOMSemicolonsAndQuotes(t *testing.T) {
	data := "Họ và tên;Ngày sinh;Địa chỉ\n\"Đỗ Thị Hoa\";12/12/1980;\"Số 5; ngõ 3\nHà Nội\"\nVũ Văn Nam;1975;\n"
	tab, rows := readAll(t, []byte(data), OpenOptions{}, nil)
	if tab.Encoding() != "UTF-8" {
		t.Errorf("encoding = %q", tab.Encoding())
	}
	if len(rows) != 2 || rows[0].Input.Address != "Số 5; ngõ 3 Hà Nội" || rows[1].Row != 3 || rows[1].BirthYear != 1975 {
		t.Fatalf("rows = %+v", rows)
	}
}

func TestReadTabSeparated(t *testing.T) {
	_, rows := readAll(t, []byte("fullName\tgender\nHoàng Văn Tư\tmale\n"), OpenOptions{}, nil)
	if len(rows) != 1 || rows[0].Input.Gender != members.Male || rows[0].Input.FullName != "Hoàng Văn Tư" {
		t.Fatalf("rows = %+v", rows)
	}
}

// Excel on Vietnamese Windows saves "CSV" in Windows-1258, tones as
// combining marks: read as such, and stored NFC.
func TestReadCP1258CSV(t *testing.T) {
	tab, rows := readAll(t, to1258(t, rollCSV), OpenOptions{}, nil)
	if tab.Encoding() != "Windows-1258" {
		t.Errorf("encoding = %q, want Windows-1258", tab.Encoding())
	}
	if got := errorsOf(rows); !reflect.DeepEqual(got, []string{"3 birthDate", "4 nationalId", "5 fullName", "6 gender"}) {
		t.Errorf("errors at %q", got)
	}
	if rows[0].Input.FullName != "Nguyễn Văn An" || rows[0].Input.Address != "Thôn 1, xã Yên Lạc" {
		t.Errorf("decoded %q, %q", rows[0].Input.FullName, rows[0].Input.Address)
	}
}

func TestReadCP1252CSV(t *testing.T) {
	// A Western file: é is 0xE9 in both code pages, but nothing Vietnamese.
	tab, rows := readAll(t, []byte("fullName,address\nRen\xE9 Dupont,Caf\xE9\n"), OpenOptions{}, nil)
	if tab.Encoding() != "Windows-1252" || rows[0].Input.FullName != "René Dupont" {
		t.Errorf("encoding %q, name %q", tab.Encoding(), rows[0].Input.FullName)
	}
}

func TestReadXLSXWithTitleRows(t *testing.T) {
	f := excelize.NewFile()
	s := f.GetSheetName(0)
	set := func(cell string, v any) {
		if err := f.SetCellValue(s, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "HỘI NÔNG DÂN XÃ YÊN LẠC")
	if err := f.MergeCell(s, "A1", "F1"); err != nil {
		t.Fatal(err)
	}
	set("A2", "DANH SÁCH HỘI VIÊN")
	if err := f.MergeCell(s, "A2", "F2"); err != nil {
		t.Fatal(err)
	}
	for i, h := range []string{"STT", "HỌ VÀ TÊN", "ngay sinh", "Giới tính", "CCCD", "Số thẻ"} {
		c, _ := excelize.CoordinatesToCellName(i+1, 4)
		set(c, h)
	}
	// Row 5: a real date cell and the ID typed as a number (its zeros lost).
	set("A5", 1)
	set("B5", "Nguyễn Văn An")
	set("C5", civilTime("1985-09-05"))
	set("D5", "Nam")
	set("E5", 1085012345)
	set("F5", 7)
	// Row 6: dates as text, a year alone.
	set("A6", 2)
	set("B6", "Lê Thị Cúc")
	set("C6", 1990)
	set("D6", "nữ")
	// Row 7: 31 February as text.
	set("A7", 3)
	set("B7", "Trần Thị Bình")
	set("C7", "31/02/1990")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	tab, rows := readAll(t, buf.Bytes(), OpenOptions{}, nil)
	if tab.Encoding() != "XLSX" || len(rows) != 3 {
		t.Fatalf("encoding %q, %d rows", tab.Encoding(), len(rows))
	}
	if rows[0].Row != 5 || rows[0].Input.BirthDate != civil.MustParse("1985-09-05") || rows[0].Input.NationalID != "001085012345" || rows[0].Input.MemberNo != "7" {
		t.Errorf("row 5: %+v", rows[0])
	}
	if rows[1].BirthYear != 1990 || rows[1].Input.Gender != members.Female {
		t.Errorf("row 6: %+v", rows[1])
	}
	if got := errorsOf(rows); !reflect.DeepEqual(got, []string{"7 birthDate"}) {
		t.Errorf("errors at %q", got)
	}
}

func TestReadXLSXNamedSheet(t *testing.T) {
	f := excelize.NewFile()
	if _, err := f.NewSheet("Chi hội 2"); err != nil {
		t.Fatal(err)
	}
	_ = f.SetSheetRow("Chi hội 2", "A1", &[]any{"fullName", "birthDate"})
	_ = f.SetSheetRow("Chi hội 2", "A2", &[]any{"Vũ Văn Nam", "1975-06-01"})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	_, rows := readAll(t, buf.Bytes(), OpenOptions{Sheet: "Chi hội 2"}, nil)
	if len(rows) != 1 || rows[0].Input.FullName != "Vũ Văn Nam" {
		t.Fatalf("rows = %+v", rows)
	}
	if _, err := Open(bytes.NewReader(buf.Bytes()), OpenOptions{Sheet: "Không có"}); !errs.Is(err, errs.Validation) || !strings.Contains(err.Error(), "no sheet") {
		t.Errorf("missing sheet: %v", err)
	}
}

func TestReadNDJSON(t *testing.T) {
	data := `{"fullName":"Nguyễn Văn An","birthDate":"1985-09-05","gender":"male","nationalId":"001085012345","branchCode":"CH01"}

{"fullName":"Lê Thị Cúc","birthDate":1990,"gender":"female","memberNo":12,"extra":true}
{"fullName":"","birthDate":"31/02/1990"}
`
	tab, rows := readAll(t, []byte(data), OpenOptions{}, nil)
	if len(rows) != 3 || rows[1].Row != 3 || rows[1].BirthYear != 1990 || rows[1].Input.MemberNo != "12" {
		t.Fatalf("rows = %+v", rows)
	}
	if !reflect.DeepEqual(tab.Unknown(), []string{"extra"}) {
		t.Errorf("unknown = %q", tab.Unknown())
	}
	if got := errorsOf(rows); !reflect.DeepEqual(got, []string{"4 birthDate", "4 fullName"}) {
		t.Errorf("errors at %q", got)
	}
}

// Random bytes, an empty file, text without a header: a clear error, and
// no row.
func TestUnreadableFiles(t *testing.T) {
	random := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(random)
	for name, data := range map[string][]byte{
		"random":      random,
		"empty":       nil,
		"no header":   []byte("a,b,c\n1,2,3\n"),
		"broken xlsx": append([]byte("PK\x03\x04"), random...),
		"bad ndjson":  []byte("{\"fullName\": \n"),
		"old xls":     append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, random...),
	} {
		t.Run(name, func(t *testing.T) {
			src, err := Open(bytes.NewReader(data), OpenOptions{})
			if err == nil {
				var tab *Table
				if tab, err = NewTable(src, nil, today); err == nil {
					_, err = tab.Next()
				}
			}
			if !errs.Is(err, errs.Validation) || !strings.Contains(err.Error(), "cannot be read as a roll") {
				t.Errorf("err = %v", err)
			}
			if name == "old xls" && !strings.Contains(err.Error(), "old Excel workbook (.xls)") {
				t.Errorf("an .xls is not named: %v", err)
			}
		})
	}
}

func TestExplicitMapping(t *testing.T) {
	data := "Tên hội viên,Năm sinh,Ghi chú\nNguyễn Văn An,1985,x\n"
	tab, rows := readAll(t, []byte(data), OpenOptions{}, Mapping{"Tên hội viên": FullName, "năm sinh": BirthDate, "Ghi chú": Ignore})
	if len(rows) != 1 || rows[0].Input.FullName != "Nguyễn Văn An" || rows[0].BirthYear != 1985 || len(tab.Unknown()) != 0 {
		t.Fatalf("rows = %+v, unknown %q", rows, tab.Unknown())
	}
	if _, err := MapColumns([]string{"a"}, Mapping{"a": "shoeSize"}); !errs.Is(err, errs.Validation) {
		t.Errorf("unknown field in mapping: %v", err)
	}
	if _, err := MapColumns([]string{"Họ và tên", "fullName"}, nil); err == nil || !strings.Contains(err.Error(), "two columns") {
		t.Errorf("two name columns: %v", err)
	}
	if _, err := MapColumns([]string{"Ngày sinh"}, nil); err == nil {
		t.Error("a header without a name column was accepted")
	}
}

func civilTime(s string) any {
	d := civil.MustParse(s)
	return timeOf(d)
}

// An unclosed quote does not make the rest of a large file one cell in
// memory: the row is refused once it passes the bound.
func TestCSVRowBound(t *testing.T) {
	data := "Họ và tên,Địa chỉ\nAn,\"" + strings.Repeat("x", 3*maxRow) + "\n"
	src, err := Open(strings.NewReader(data), OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tab, err := NewTable(src, nil, today)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tab.Next(); !errs.Is(err, errs.Validation) || !strings.Contains(err.Error(), "row 2 is longer") {
		t.Errorf("err = %v", err)
	}
}

func TestNameColumnAlone(t *testing.T) {
	_, rows := readAll(t, []byte("DANH SÁCH\nHọ và tên\nNguyễn Văn An\n"), OpenOptions{}, nil)
	if len(rows) != 1 || rows[0].Row != 3 || rows[0].Input.FullName != "Nguyễn Văn An" {
		t.Errorf("rows %+v", rows)
	}
}

// Excel's "Unicode text": UTF-16 with a BOM, tab-separated.
func TestReadUTF16(t *testing.T) {
	text := "Họ và tên\tGiới tính\r\nĐỗ Thị Hoa\tNữ\r\n"
	data := []byte{0xFF, 0xFE}
	for _, r := range utf16.Encode([]rune(text)) {
		data = append(data, byte(r), byte(r>>8))
	}
	tab, rows := readAll(t, data, OpenOptions{}, nil)
	if tab.Encoding() != "UTF-16" || len(rows) != 1 || rows[0].Input.FullName != "Đỗ Thị Hoa" || rows[0].Input.Gender != members.Female {
		t.Fatalf("encoding %q, rows %+v", tab.Encoding(), rows)
	}
}

// A workbook from old Mac Excel counts date serials from 1904.
func TestReadXLSXDate1904(t *testing.T) {
	f := excelize.NewFile()
	yes := true
	if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
		t.Fatal(err)
	}
	s := f.GetSheetName(0)
	_ = f.SetSheetRow(s, "A1", &[]any{"Họ và tên", "Ngày sinh"})
	// 1985-09-05 is serial 31295 from 1900 and 29833 from 1904.
	_ = f.SetSheetRow(s, "A2", &[]any{"Nguyễn Văn An", 29833})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	_, rows := readAll(t, buf.Bytes(), OpenOptions{}, nil)
	if len(rows) != 1 || rows[0].Input.BirthDate != civil.MustParse("1985-09-05") {
		t.Fatalf("rows %+v", rows)
	}
}
