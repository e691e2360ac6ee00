package httpapi

import (
	"bytes"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// sheet is a table to hand in as a workbook: a named sheet, a title row
// naming what it is (the unit and the period), then the header and rows.
type sheet struct {
	Name  string // the sheet's name (at most 31 characters, no []:*?/\)
	Title string
	Rows  [][]string // Rows[0] is the header
	// TextCols is how many leading columns are text (names, codes); the
	// others are counts, written as numbers so that sums work.
	TextCols int
	// TotalLast makes the last row bold (a report's total row).
	TotalLast bool
}

// xlsx lays the sheet out the way a secretary would before handing it
// in: a bold title, a bold header frozen above the rows (so it stays in
// view while scrolling a province's communes), widths that fit the
// names, and counts with thousands separators.
func (s sheet) xlsx() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), s.Name); err != nil {
		return nil, err
	}
	cols := 1
	if len(s.Rows) > 0 {
		cols = len(s.Rows[0])
	}
	last, err := excelize.ColumnNumberToName(cols)
	if err != nil {
		return nil, err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return nil, err
	}
	header, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center", Horizontal: "center"},
		Border:    borders(),
	})
	if err != nil {
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{Border: borders()})
	if err != nil {
		return nil, err
	}
	// 3 is Excel's built-in "#,##0".
	count, err := f.NewStyle(&excelize.Style{NumFmt: 3, Border: borders()})
	if err != nil {
		return nil, err
	}
	boldText, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: borders()})
	if err != nil {
		return nil, err
	}
	boldCount, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 3, Border: borders()})
	if err != nil {
		return nil, err
	}

	if err := f.SetCellStr(s.Name, "A1", s.Title); err != nil {
		return nil, err
	}
	if err := f.MergeCell(s.Name, "A1", last+"1"); err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(s.Name, "A1", "A1", title); err != nil {
		return nil, err
	}
	const first = 2 // the header's row; the title is row 1
	for i, row := range s.Rows {
		r := first + i
		total := s.TotalLast && i == len(s.Rows)-1 && i > 0
		for j, v := range row {
			cell, err := excelize.CoordinatesToCellName(j+1, r)
			if err != nil {
				return nil, err
			}
			style := text
			switch {
			case i == 0:
				style = header
			case j >= s.TextCols && total:
				style = boldCount
			case j >= s.TextCols:
				style = count
			case total:
				style = boldText
			}
			if n, err := strconv.Atoi(v); err == nil && i > 0 && j >= s.TextCols {
				err = f.SetCellInt(s.Name, cell, int64(n))
				if err != nil {
					return nil, err
				}
			} else if err := f.SetCellStr(s.Name, cell, v); err != nil { // codes stay text: "01" keeps its zero
				return nil, err
			}
			if err := f.SetCellStyle(s.Name, cell, cell, style); err != nil {
				return nil, err
			}
		}
	}
	// Names are long ("Tổng cộng: Hội Khuyến học tỉnh …"), codes short,
	// counts as wide as their wrapped headers.
	widths := map[int]float64{1: 42, 2: 10}
	for j := 1; j <= cols; j++ {
		w, ok := widths[j]
		if !ok {
			w = 13
		}
		name, _ := excelize.ColumnNumberToName(j)
		if err := f.SetColWidth(s.Name, name, name, w); err != nil {
			return nil, err
		}
	}
	if err := f.SetRowHeight(s.Name, first, 32); err != nil {
		return nil, err
	}
	// Frozen below the header and right of the names.
	if err := f.SetPanes(s.Name, &excelize.Panes{Freeze: true, XSplit: 1, YSplit: first,
		TopLeftCell: "B" + strconv.Itoa(first+1), ActivePane: "bottomRight"}); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func borders() []excelize.Border {
	var b []excelize.Border
	for _, side := range []string{"left", "right", "top", "bottom"} {
		b = append(b, excelize.Border{Type: side, Color: "999999", Style: 1})
	}
	return b
}
