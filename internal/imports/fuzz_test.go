package imports

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
)

// The seed corpora run as ordinary tests in CI; `go test -fuzz=FuzzX`
// searches beyond them.

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"05/09/1985", "5/9/1985", "1985-09-05", "31/02/1990", "29/02/2024", "1990", "31229",
		"31229.75", "0", "-1", "1e400", "NaN", "99/99/9999", "0001-01-01", "9999-12-31", "1.5.2000", " ", "２０２０"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, allowYear bool) {
		d, year, err := ParseDate(s, allowYear)
		switch {
		case err != nil:
			if !d.IsZero() || year != 0 {
				t.Fatalf("%q: error %v with a value %v/%d", s, err, d, year)
			}
		case year != 0:
			if !allowYear || year < 1000 || year > 2999 || !d.IsZero() {
				t.Fatalf("%q: year %d (allowYear %v, date %v)", s, year, allowYear, d)
			}
		case !d.IsZero():
			if civil.Of(timeOf(d)) != d {
				t.Fatalf("%q: %v is not a day", s, d)
			}
			back, _, err := ParseDate(FormatDate(d), false)
			if d.Year >= 1000 && d.Year <= 9999 && (err != nil || back != d) {
				t.Fatalf("%q: %v written %q reads back as %v, %v", s, d, FormatDate(d), back, err)
			}
		}
	})
}

// FuzzReadRoll feeds any bytes to the whole reading path (format sniffing,
// encoding and delimiter detection, the header search, row parsing): it
// fails cleanly or gives rows that the members service would accept.
func FuzzReadRoll(f *testing.F) {
	f.Add([]byte(rollCSV))
	f.Add(append([]byte("\xEF\xBB\xBF"), rollCSV...))
	f.Add([]byte("Họ và tên;Ngày sinh\n\"Đỗ \"\"Út\"\" Hoa\";1980\n"))
	f.Add([]byte("fullName\tgender\nAn\tNam\n"))
	f.Add([]byte("{\"fullName\":\"An\",\"birthDate\":1990}\n{\"x\":[1,2]}\n"))
	f.Add([]byte("\xFF\xFEf\x00u\x00"))
	f.Add([]byte("H\xF2 v\xE0 t\xEAn,CCCD\nNguy\xEA\xDEn,1\n"))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := Open(bytes.NewReader(data), OpenOptions{})
		if err != nil {
			requireValidation(t, err)
			return
		}
		defer src.Close()
		tab, err := NewTable(src, nil, today)
		if err != nil {
			requireValidation(t, err)
			return
		}
		last := 0
		for i := 0; i < 1000; i++ {
			p, err := tab.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				requireValidation(t, err)
				return
			}
			if p.Row <= last {
				t.Fatalf("row %d after row %d", p.Row, last)
			}
			last = p.Row
			for _, e := range p.Errors {
				if e.Row != p.Row || e.Message == "" {
					t.Fatalf("error %+v on row %d", e, p.Row)
				}
			}
			if p.OK() {
				in := p.Input
				if err := in.Clean(today); err != nil && p.BirthYear == 0 {
					t.Fatalf("row %d accepted, then refused: %v (%+v)", p.Row, err, p.Input)
				}
				if in != p.Input {
					t.Fatalf("row %d not clean: %+v, cleaned %+v", p.Row, p.Input, in)
				}
			}
		}
	})
}

func requireValidation(t *testing.T, err error) {
	t.Helper()
	if !errs.Is(err, errs.Validation) {
		t.Fatalf("unclear error: %v", err)
	}
}

// FuzzNationalID: whatever is in the CCCD column, a row accepted has an ID
// of 9 or 12 digits, or none.
func FuzzNationalID(f *testing.F) {
	for _, s := range []string{"001085012345", "1085012345", "012345678", "12345678", "1.085012345E+9", "00119O123456",
		"999085012345", "001185012345", " 001085012345 ", "0010850123456", "+84", "１２３"} {
		f.Add(s, "1985")
	}
	cols, err := MapColumns([]string{"Họ và tên", "Ngày sinh", "Số CCCD"}, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, id, birth string) {
		p := ParseRow(cols, Row{Number: 2, Cells: []string{"Nguyễn Văn An", birth, id}}, today)
		got := p.Input.NationalID
		if p.OK() && got != "" && (!allDigits(got) || (len(got) != 9 && len(got) != 12)) {
			t.Fatalf("%q accepted as %q", id, got)
		}
		if p.OK() && strings.TrimSpace(id) != "" && got == "" {
			t.Fatalf("%q accepted and dropped", id)
		}
	})
}
