package imports

import (
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// xlsxSource streams the rows of one sheet.
type xlsxSource struct {
	f        *excelize.File
	rows     *excelize.Rows
	n        int
	date1904 bool
}

// OpenXLSX reads the sheet named sheet ("" for the first) of the workbook
// in r. Cells are read raw: a date cell is its serial number, which
// ParseDate reads, so that a date never depends on the display format.
func OpenXLSX(r io.Reader, sheet string) (Source, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, notReadable("it looks like an XLSX workbook but cannot be opened: %v", err)
	}
	return openSheet(f, sheet)
}

// OpenXLSXFile is OpenXLSX for a file on disk: excelize then keeps large
// sheets in temporary files rather than in memory.
func OpenXLSXFile(path, sheet string) (Source, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, notReadable("it cannot be opened as an XLSX workbook: %v", err)
	}
	return openSheet(f, sheet)
}

func openSheet(f *excelize.File, sheet string) (Source, error) {
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, notReadable("the workbook has no sheet")
	}
	if sheet == "" {
		sheet = sheets[0]
	} else if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		f.Close()
		return nil, notReadable("the workbook has no sheet %q (it has %s)", sheet, strings.Join(sheets, ", "))
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, notReadable("sheet %q: %v", sheet, err)
	}
	props, err := f.GetWorkbookProps()
	date1904 := err == nil && props.Date1904 != nil && *props.Date1904
	return &xlsxSource{f: f, rows: rows, date1904: date1904}, nil
}

func (s *xlsxSource) Next() (Row, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return Row{}, notReadable("row %d: %v", s.n+1, err)
		}
		return Row{}, io.EOF
	}
	s.n++
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return Row{}, notReadable("row %d: %v", s.n, err)
	}
	for i, c := range cells {
		cells[i] = norm.NFC.String(c)
	}
	return Row{Number: s.n, Cells: cells, Date1904: s.date1904}, nil
}

func (s *xlsxSource) Encoding() string { return "XLSX" }

func (s *xlsxSource) Close() error {
	s.rows.Close()
	return s.f.Close()
}
