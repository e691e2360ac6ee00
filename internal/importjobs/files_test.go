package importjobs_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// header and rows are a roll as a secretary keeps it; each format below
// writes the same rows.
var header = []string{"STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Điện thoại", "Chi hội"}

// ndjsonKeys are header's columns as NDJSON keys ("" is left out).
var ndjsonKeys = []string{"", "fullName", "birthDate", "gender", "nationalId", "phone", "branchCode"}

func csvOf(rows [][]string) string {
	var b strings.Builder
	for _, r := range append([][]string{header}, rows...) {
		b.WriteString(strings.Join(r, ",") + "\r\n")
	}
	return b.String()
}

// csvBOM is a CSV in UTF-8 with a BOM, as Excel saves "CSV UTF-8".
func csvBOM(t *testing.T, rows [][]string) []byte {
	return append([]byte("\xef\xbb\xbf"), csvOf(rows)...)
}

// csv1258 is a CSV as Excel saves it on Vietnamese Windows: Windows-1258,
// a toned letter as a base letter of the code page and a combining tone.
func csv1258(t *testing.T, rows [][]string) []byte {
	t.Helper()
	enc := charmap.Windows1258.NewEncoder()
	var out []byte
	for _, r := range norm.NFC.String(csvOf(rows)) {
		if b, err := enc.String(string(r)); err == nil {
			out = append(out, b...)
			continue
		}
		d := []rune(norm.NFD.String(string(r)))
		done := false
		for k := 0; k < len(d) && !done; k++ {
			composed, rest := string(d[0]), string(d[1:])
			if k > 0 {
				composed = norm.NFC.String(string([]rune{d[0], d[k]}))
				rest = string(append(append([]rune{}, d[1:k]...), d[k+1:]...))
			}
			b, err1 := enc.String(composed)
			m, err2 := enc.String(rest)
			if err1 == nil && err2 == nil {
				out = append(append(out, b...), m...)
				done = true
			}
		}
		if !done {
			t.Fatalf("%q has no Windows-1258 form", r)
		}
	}
	return out
}

// xlsxTitled is a workbook made with excelize: two merged title rows, the
// header on row 3.
func xlsxTitled(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetCellValue(sh, "A1", "HỘI KHUYẾN HỌC XÃ YÊN LẠC"))
	must(f.MergeCell(sh, "A1", "G1"))
	must(f.SetCellValue(sh, "A2", "DANH SÁCH HỘI VIÊN NĂM 2026"))
	must(f.MergeCell(sh, "A2", "G2"))
	for i, r := range append([][]string{header}, rows...) {
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		vals := make([]any, len(r))
		for k, v := range r {
			vals[k] = v
		}
		must(f.SetSheetRow(sh, cell, &vals))
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// ndjson is one object per row, keyed by field name.
func ndjson(t *testing.T, rows [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, r := range rows {
		obj := map[string]string{}
		for k, v := range r {
			if ndjsonKeys[k] != "" && v != "" {
				obj[ndjsonKeys[k]] = v
			}
		}
		if obj["fullName"] == "" {
			obj["fullName"] = ""
		}
		line, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(append(line, '\n'))
	}
	return b.Bytes()
}
