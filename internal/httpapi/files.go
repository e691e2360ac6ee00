package httpapi

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"github.com/sohoi/sohoi/internal/errs"
)

// tableFormat reads ?format= for answers that can be files.
func tableFormat(c *gin.Context, f *errs.Fields) string {
	switch v := c.DefaultQuery("format", "json"); v {
	case "json", "csv", "xlsx":
		return v
	}
	f.Add("format", "must be json, csv or xlsx")
	return ""
}

// sendTable answers a table as a CSV (UTF-8 with a byte-order mark, which
// Excel needs to show Vietnamese) or XLSX file. Numeric cells are written as
// numbers in XLSX so that sums work when pasted into a report.
func sendTable(c *gin.Context, format, name string, rows [][]string) error {
	var buf bytes.Buffer
	var ctype string
	switch format {
	case "csv":
		ctype = "text/csv; charset=utf-8"
		buf.WriteString("\ufeff")
		w := csv.NewWriter(&buf)
		if err := w.WriteAll(defuse(rows)); err != nil {
			return err
		}
	case "xlsx":
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		f := excelize.NewFile()
		defer f.Close()
		sheet := f.GetSheetName(0)
		for i, row := range rows {
			for j, v := range row {
				cell, err := excelize.CoordinatesToCellName(j+1, i+1)
				if err != nil {
					return err
				}
				var val any = v
				if n, err := strconv.Atoi(v); err == nil && i > 0 && j > 1 {
					val = n
				}
				if err := f.SetCellValue(sheet, cell, val); err != nil {
					return err
				}
			}
		}
		if err := f.Write(&buf); err != nil {
			return err
		}
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, name, format))
	c.Data(http.StatusOK, ctype, buf.Bytes())
	return nil
}

// defuse keeps spreadsheet programs from running text as a formula: a
// cell (a unit name typed by someone else) that begins with =, +, -, @ or
// a control character gets a leading apostrophe, as Excel itself does.
func defuse(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, row := range rows {
		out[i] = make([]string, len(row))
		for j, v := range row {
			if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
				if _, err := strconv.Atoi(v); err != nil { // numbers (-3) stay numbers
					v = "'" + v
				}
			}
			out[i][j] = v
		}
	}
	return out
}
