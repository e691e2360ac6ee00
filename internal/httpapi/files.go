package httpapi

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

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
// Excel needs to show Vietnamese; the bare rows, for programs) or an XLSX
// workbook laid out to hand in (see sheet.xlsx).
func sendTable(c *gin.Context, format, name string, t sheet) error {
	var body []byte
	var ctype string
	switch format {
	case "csv":
		ctype = "text/csv; charset=utf-8"
		var buf bytes.Buffer
		buf.WriteString("\ufeff")
		w := csv.NewWriter(&buf)
		if err := w.WriteAll(defuse(t.Rows)); err != nil {
			return err
		}
		body = buf.Bytes()
	case "xlsx":
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		var err error
		if body, err = t.xlsx(); err != nil {
			return err
		}
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, name, format))
	c.Data(http.StatusOK, ctype, body)
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
