package imports

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// templateRows is how far down the drop-downs and formats reach.
const templateRows = 5000

// branchSheet lists the branches the drop-down offers; it is hidden.
const branchSheet = "Chi hội"

// WriteTemplate writes template.xlsx: an empty roll laid out as an export
// (title, frozen header, widths), whose gender column offers Nam/Nữ/Khác
// and whose branch column offers the branches given (listed on a hidden
// sheet, as a drop-down's inline list is limited to 255 characters), and
// whose date, ID and phone columns are formatted so that what is typed
// reads back as meant.
func WriteTemplate(w io.Writer, title Title, branches []Branch) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := f.SetSheetName(f.GetSheetName(0), rollSheet); err != nil {
		return err
	}
	st, err := newRollStyles(f)
	if err != nil {
		return err
	}
	// Not streamed: a template is two rows, and data validations are
	// added to a sheet excelize holds.
	if err := f.SetPanes(rollSheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(rollColumns))
	if err := f.SetCellValue(rollSheet, "A1", title.text()); err != nil {
		return err
	}
	if err := f.MergeCell(rollSheet, "A1", last+"1"); err != nil {
		return err
	}
	header := RollHeader()
	if err := f.SetSheetRow(rollSheet, "A2", &header); err != nil {
		return err
	}
	if err := f.SetCellStyle(rollSheet, "A2", last+"2", st.header); err != nil {
		return err
	}
	for i, c := range rollColumns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(rollSheet, col, col, c.width); err != nil {
			return err
		}
		style := st.text
		switch c.field {
		case BirthDate, JoinedOn:
			style = st.date
		case Ignore:
			style = st.number
		}
		// The column's style formats what is typed below the header.
		if err := f.SetColStyle(rollSheet, col, style); err != nil {
			return err
		}
		if err := f.SetCellStyle(rollSheet, col+"2", col+"2", st.header); err != nil {
			return err
		}
		switch c.field {
		case Gender:
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(fmt.Sprintf("%s3:%s%d", col, col, templateRows+2))
			if err := dv.SetDropList([]string{GenderText("male"), GenderText("female"), GenderText("other")}); err != nil {
				return err
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, "Giới tính", "Chọn Nam, Nữ hoặc Khác")
			if err := f.AddDataValidation(rollSheet, dv); err != nil {
				return err
			}
		case BranchCode:
			if len(branches) == 0 {
				continue
			}
			if err := listBranches(f, branches); err != nil {
				return err
			}
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(fmt.Sprintf("%s3:%s%d", col, col, templateRows+2))
			dv.SetSqrefDropList(fmt.Sprintf("'%s'!$A$1:$A$%d", branchSheet, len(branches)))
			dv.SetError(excelize.DataValidationErrorStyleStop, "Chi hội", "Chọn một chi hội trong danh sách")
			if err := f.AddDataValidation(rollSheet, dv); err != nil {
				return err
			}
		}
	}
	// Last: a column's style replaces the styles of its cells.
	if err := f.SetCellStyle(rollSheet, "A1", "A1", st.title); err != nil {
		return err
	}
	return f.Write(w)
}

// listBranches writes the branches (what "Chi hội" reads back, and the
// name beside it) on a hidden sheet.
func listBranches(f *excelize.File, branches []Branch) error {
	if _, err := f.NewSheet(branchSheet); err != nil {
		return err
	}
	for i, b := range branches {
		if err := f.SetSheetRow(branchSheet, fmt.Sprintf("A%d", i+1), &[]any{b.text(), b.Name}); err != nil {
			return err
		}
	}
	return f.SetSheetVisible(branchSheet, false)
}
