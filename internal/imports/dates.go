package imports

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/xuri/excelize/v2"
)

// ParseDate reads a date as rolls write it: dd/mm/yyyy or d/m/yyyy (also
// with '.' or '-'), yyyy-mm-dd, or an Excel serial number (how XLSX stores
// a date cell). With allowYear, a year alone (1950) is read as year with a
// zero date: old rolls often give only the birth year. Days that do not
// exist (31/02) are refused.
func ParseDate(s string, allowYear bool) (d civil.Date, year int, err error) {
	return parseDate(s, allowYear, false)
}

// parseDate is ParseDate for a workbook that counts serials from 1904
// when date1904.
func parseDate(s string, allowYear, date1904 bool) (d civil.Date, year int, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return civil.Date{}, 0, nil
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "/-") {
		return serialOrYear(s, n, allowYear, date1904)
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '.' || r == '-' })
	if len(parts) != 3 || !allDigits(parts[0]) || !allDigits(parts[1]) || !allDigits(parts[2]) {
		return civil.Date{}, 0, fmt.Errorf("%q is not a date: write dd/mm/yyyy (such as 05/09/1990) or yyyy-mm-dd", s)
	}
	var y, m, day string
	switch {
	case len(parts[0]) == 4 && len(parts[1]) <= 2 && len(parts[2]) <= 2:
		y, m, day = parts[0], parts[1], parts[2]
	case len(parts[0]) <= 2 && len(parts[1]) <= 2 && len(parts[2]) == 4:
		day, m, y = parts[0], parts[1], parts[2]
	default:
		return civil.Date{}, 0, fmt.Errorf("%q is not a date: write dd/mm/yyyy (such as 05/09/1990) or yyyy-mm-dd", s)
	}
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(day)
	d = civil.Date{Year: yi, Month: time.Month(mi), Day: di}
	if mi < 1 || mi > 12 || di < 1 || civil.Of(time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)) != d {
		return civil.Date{}, 0, fmt.Errorf("%q is not a day that exists", s)
	}
	return d, 0, nil
}

// serialOrYear reads a number: four digits from 1000 to 2999 are a year
// (a serial in that range would be a day in 1902–1908, which no member
// joined on and few were born on); anything else is an Excel serial.
func serialOrYear(s string, n float64, allowYear, date1904 bool) (civil.Date, int, error) {
	if n == math.Trunc(n) && n >= 1000 && n <= 2999 {
		if !allowYear {
			return civil.Date{}, 0, fmt.Errorf("%q is only a year: give the whole date, dd/mm/yyyy", s)
		}
		return civil.Date{}, int(n), nil
	}
	// 1 is 1900-01-01; 2958465 is 9999-12-31, the last day Excel knows.
	if n < 1 || n >= 2958466 || math.IsNaN(n) {
		return civil.Date{}, 0, fmt.Errorf("%q is not a date: write dd/mm/yyyy (such as 05/09/1990) or yyyy-mm-dd", s)
	}
	t, err := excelize.ExcelDateToTime(math.Floor(n), date1904)
	if err != nil {
		return civil.Date{}, 0, fmt.Errorf("%q is not a date: %v", s, err)
	}
	return civil.Of(t), 0, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// FormatDate writes d as rolls do, dd/mm/yyyy ("" for the zero date).
func FormatDate(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
}

// timeOf is d at midnight UTC, as excelize writes and reads dates.
func timeOf(d civil.Date) time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }
