package imports

import (
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/xuri/excelize/v2"
)

// Branch is what a roll shows of a member's branch: its code, or its name
// when it has none ("Chi hội" reads either back).
type Branch struct {
	Code string
	Name string
}

func (b Branch) text() string {
	if b.Code != "" {
		return b.Code
	}
	return b.Name
}

// Members streams the members to export, in the order to write them (the
// caller sorts: the official order is the store's); an error stops the
// export.
type Members = iter.Seq2[*members.Member, error]

// Title heads an XLSX roll: the unit and the day it was drawn.
type Title struct {
	Unit string
	Day  civil.Date
}

func (t Title) text() string {
	return fmt.Sprintf("DANH SÁCH HỘI VIÊN — %s — ngày %s", t.Unit, FormatDate(t.Day))
}

// rollColumns are the columns of an exported roll, in order: the
// Vietnamese headers the import reads back.
var rollColumns = []struct {
	header string
	field  Field
	width  float64
}{
	{"STT", Ignore, 6},
	{"Họ và tên", FullName, 28},
	{"Ngày sinh", BirthDate, 12},
	{"Giới tính", Gender, 9},
	{"Số CCCD", NationalID, 15},
	{"Điện thoại", Phone, 13},
	{"Địa chỉ", Address, 40},
	{"Ngày vào hội", JoinedOn, 12},
	{"Số thẻ", MemberNo, 12},
	{"Chi hội", BranchCode, 14},
}

// RollHeader is the header row of an exported roll.
func RollHeader() []string {
	h := make([]string, len(rollColumns))
	for i, c := range rollColumns {
		h[i] = c.header
	}
	return h
}

// value is a member's value in a column: text, or a date (zero when none).
func value(m *members.Member, f Field, branch func(string) Branch) (string, civil.Date) {
	switch f {
	case FullName:
		return m.FullName, civil.Date{}
	case BirthDate:
		return "", m.BirthDate
	case Gender:
		return GenderText(m.Gender), civil.Date{}
	case NationalID:
		return m.NationalID, civil.Date{}
	case Phone:
		return m.Phone, civil.Date{}
	case Address:
		return m.Address, civil.Date{}
	case JoinedOn:
		return "", m.JoinedOn
	case MemberNo:
		return m.MemberNo, civil.Date{}
	case BranchCode:
		return branch(m.BranchID).text(), civil.Date{}
	}
	return "", civil.Date{}
}

// WriteCSV writes the roll as Excel opens it: UTF-8 with a BOM, the
// Vietnamese headers, dates dd/mm/yyyy, CRLF lines. It returns how many
// members it wrote.
func WriteCSV(w io.Writer, all Members, branch func(id string) Branch) (int, error) {
	if _, err := w.Write(utf8BOM); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(RollHeader()); err != nil {
		return 0, err
	}
	n := 0
	rec := make([]string, len(rollColumns))
	for m, err := range all {
		if err != nil {
			return n, err
		}
		n++
		for i, c := range rollColumns {
			s, d := value(m, c.field, branch)
			switch {
			case c.field == Ignore:
				s = fmt.Sprint(n)
			case !d.IsZero():
				s = FormatDate(d)
			}
			rec[i] = defuse(s)
		}
		if err := cw.Write(rec); err != nil {
			return n, err
		}
	}
	cw.Flush()
	return n, cw.Error()
}

// rollStyles are the cell styles of a roll sheet.
type rollStyles struct {
	title, header, text, date, number int
}

func newRollStyles(f *excelize.File) (rollStyles, error) {
	var s rollStyles
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	dateFmt := "dd/mm/yyyy"
	for _, st := range []struct {
		dst *int
		s   *excelize.Style
	}{
		{&s.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&s.header, &excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		// Text cells are "@" so that Excel keeps the zeros of IDs and phones.
		{&s.text, &excelize.Style{NumFmt: 49, Border: border}},
		{&s.date, &excelize.Style{CustomNumFmt: &dateFmt, Border: border}},
		{&s.number, &excelize.Style{Border: border}},
	} {
		id, err := f.NewStyle(st.s)
		if err != nil {
			return s, err
		}
		*st.dst = id
	}
	return s, nil
}

// rollSheet is the sheet name of an exported roll.
const rollSheet = "Danh sách"

// WriteXLSX writes the roll as a workbook, streamed (excelize keeps large
// sheets in a temporary file): a title row with the unit and the day, the
// header row bold and frozen, column widths, dates as date cells, IDs and
// phones as text. It returns how many members it wrote.
func WriteXLSX(w io.Writer, title Title, all Members, branch func(id string) Branch) (n int, err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := f.SetSheetName(f.GetSheetName(0), rollSheet); err != nil {
		return 0, err
	}
	st, err := newRollStyles(f)
	if err != nil {
		return 0, err
	}
	sw, err := f.NewStreamWriter(rollSheet)
	if err != nil {
		return 0, err
	}
	if err := startRoll(sw, title, st); err != nil {
		return 0, err
	}
	row := make([]any, len(rollColumns))
	for m, err := range all {
		if err != nil {
			return n, err
		}
		n++
		for i, c := range rollColumns {
			s, d := value(m, c.field, branch)
			switch {
			case c.field == Ignore:
				row[i] = excelize.Cell{StyleID: st.number, Value: n}
			case c.field == BirthDate || c.field == JoinedOn:
				row[i] = excelize.Cell{StyleID: st.date}
				if !d.IsZero() {
					row[i] = excelize.Cell{StyleID: st.date, Value: timeOf(d)}
				}
			default:
				row[i] = excelize.Cell{StyleID: st.text, Value: s}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(cell, row); err != nil {
			return n, err
		}
	}
	if err := sw.Flush(); err != nil {
		return n, err
	}
	return n, f.Write(w)
}

// startRoll writes what comes before the first member: widths, the frozen
// panes, the title row (merged across) and the header row.
func startRoll(sw *excelize.StreamWriter, title Title, st rollStyles) error {
	for i, c := range rollColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.title, Value: title.text()}}, excelize.RowOpts{Height: 24}); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(rollColumns), 1)
	if err := sw.MergeCell("A1", last); err != nil {
		return err
	}
	header := make([]any, len(rollColumns))
	for i, c := range rollColumns {
		header[i] = excelize.Cell{StyleID: st.header, Value: c.header}
	}
	return sw.SetRow("A2", header)
}

// defuse keeps a cell from being run as a formula when Excel opens a CSV
// ("=HYPERLINK(…)" in an address): a cell that begins like one gets the
// apostrophe Excel itself uses for "this is text", and reading drops it.
func defuse(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// undefuse is defuse undone, for a cell read back.
func undefuse(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}
