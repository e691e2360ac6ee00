package imports

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// fieldLabels are the Vietnamese headers the report names fields by, as
// the secretary's file does.
var fieldLabels = map[string]string{}

func init() {
	for _, c := range rollColumns {
		fieldLabels[string(c.field)] = c.header
	}
	fieldLabels[string(BranchID)] = "Chi hội"
}

func label(field string) string {
	if l, ok := fieldLabels[field]; ok {
		return l
	}
	return field
}

// actionLabels say the decisions in Vietnamese, beside their codes.
var actionLabels = map[Action]string{
	Create: "thêm mới", Update: "cập nhật", Unchanged: "không đổi", Question: "cần xác nhận", Error: "lỗi",
}

// Message says a decision in a line a person reads: the errors by column,
// the changes from → to, the members a question asks about.
func Message(d Decision) string {
	var parts []string
	switch d.Action {
	case Error:
		for _, e := range d.Errors {
			if e.Field == "" {
				parts = append(parts, e.Message)
			} else {
				parts = append(parts, label(e.Field)+": "+e.Message)
			}
		}
	case Update:
		for _, c := range d.Changes {
			parts = append(parts, fmt.Sprintf("%s: %q → %q", label(c.Field), c.From, c.To))
		}
	case Question:
		for _, c := range d.Candidates {
			parts = append(parts, fmt.Sprintf("%s (%s, %s) khớp theo %s", c.FullName, c.MemberID, c.BranchID, c.Why))
		}
		return "có thể là: " + strings.Join(parts, "; ")
	}
	return strings.Join(parts, "; ")
}

// Report writes the per-row report of an import: the row number, the
// row's original cells under the original header, the decision and the
// message, so that a secretary fixes the errors in the file she knows.
// It is written as the rows are decided (streamed); Close finishes it.
type Report struct {
	width int
	csv   *csv.Writer
	xlsx  *excelize.File
	sw    *excelize.StreamWriter
	w     io.Writer
	n     int
}

// reportHead are the columns the report adds around the original ones.
const (
	reportRow    = "Dòng"
	reportAction = "Kết quả"
	reportNote   = "Ghi chú"
)

// NewReport starts a report in format (CSV or XLSX) for a file whose
// header was header (Table.Header).
func NewReport(w io.Writer, format Format, header []string) (*Report, error) {
	r := &Report{width: len(header), w: w}
	head := append(append([]string{reportRow}, header...), reportAction, reportNote)
	switch format {
	case CSV:
		if _, err := w.Write(utf8BOM); err != nil {
			return nil, err
		}
		r.csv = csv.NewWriter(w)
		r.csv.UseCRLF = true
		return r, r.csv.Write(head)
	case XLSX:
		r.xlsx = excelize.NewFile()
		st, err := newRollStyles(r.xlsx)
		if err != nil {
			return nil, err
		}
		if r.sw, err = r.xlsx.NewStreamWriter(r.xlsx.GetSheetName(0)); err != nil {
			return nil, err
		}
		if err := r.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
		cells := make([]any, len(head))
		for i, h := range head {
			cells[i] = excelize.Cell{StyleID: st.header, Value: h}
		}
		return r, r.sw.SetRow("A1", cells)
	}
	return nil, fmt.Errorf("a report is CSV or XLSX, not %q", format)
}

// Write adds a row: its original cells (padded to the header) and its
// decision.
func (r *Report) Write(cells []string, d Decision) error {
	rec := make([]string, 0, r.width+3)
	rec = append(rec, fmt.Sprint(d.Row))
	extra := []string(nil)
	if len(cells) > r.width {
		// An NDJSON key first seen after the report began: its cells go
		// after the decision, so that the columns stay under their header.
		cells, extra = cells[:r.width], cells[r.width:]
	}
	rec = append(rec, cells...)
	for len(rec) < r.width+1 {
		rec = append(rec, "")
	}
	rec = append(rec, string(d.Action)+" ("+actionLabels[d.Action]+")", Message(d))
	rec = append(rec, extra...)
	r.n++
	if r.csv != nil {
		for i := range rec {
			rec[i] = defuse(rec[i])
		}
		return r.csv.Write(rec)
	}
	row := make([]any, len(rec))
	for i, s := range rec {
		row[i] = s
	}
	row[0] = d.Row
	return r.sw.SetRow(fmt.Sprintf("A%d", r.n+1), row)
}

// Close writes what is buffered and, for XLSX, the workbook.
func (r *Report) Close() error {
	if r.csv != nil {
		r.csv.Flush()
		return r.csv.Error()
	}
	defer r.xlsx.Close()
	if err := r.sw.Flush(); err != nil {
		return err
	}
	return r.xlsx.Write(r.w)
}
