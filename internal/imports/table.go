package imports

import (
	"errors"
	"io"
	"strings"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
)

// headerSearch is how many rows above the header may be titles (the
// association's name, the roll's title, a date, merged across columns).
const headerSearch = 30

// Table reads a Source as a roll: it finds the header row, maps the
// columns and parses each data row after it.
type Table struct {
	src     Source
	mapping Mapping
	today   civil.Date
	cols    Columns
	// width is the header length cols was mapped from: an NDJSON header
	// grows when a later line brings a new key.
	width   int
	unknown []string
	seen    map[string]bool
}

// NewTable finds the header in src: the first row, among the first 30,
// whose cells name the full name and one more known column, or the full
// name and nothing unknown (columns are known by name or by the explicit
// mapping). Rows above it are skipped; a file with
// no such row is refused, and so is random data.
func NewTable(src Source, m Mapping, today civil.Date) (*Table, error) {
	t := &Table{src: src, mapping: m, today: today, seen: map[string]bool{}}
	if _, ok := src.(headered); ok {
		// NDJSON: the keys are the header, mapped when the first line is read.
		return t, nil
	}
	var firstErr error
	for i := 0; i < headerSearch; i++ {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		cols, err := MapColumns(row.Cells, m)
		if err == nil && (len(cols.Of) >= 2 || len(cols.Unknown) == 0) {
			t.setColumns(cols)
			return t, nil
		}
		if err != nil && cols.Has(FullName) && firstErr == nil {
			firstErr = err // a header with a fault: say what it is
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return nil, errs.E(errs.Validation, "the file cannot be read as a roll: no header row found in its first %d rows (expected columns such as %q, %q, %q)",
		headerSearch, "Họ và tên", "Ngày sinh", "Số CCCD")
}

func (t *Table) setColumns(c Columns) {
	t.cols, t.width = c, len(c.Header)
	for _, u := range c.Unknown {
		if !t.seen[u] {
			t.seen[u] = true
			t.unknown = append(t.unknown, u)
		}
	}
}

// Columns is the mapping in use.
func (t *Table) Columns() Columns { return t.cols }

// Header is the header row as written (the report repeats it).
func (t *Table) Header() []string { return t.cols.Header }

// Unknown lists the headers of columns that fill no field, each once.
func (t *Table) Unknown() []string { return t.unknown }

// Encoding says which text encoding (or format) was assumed.
func (t *Table) Encoding() string { return t.src.Encoding() }

// Close closes the source.
func (t *Table) Close() error { return t.src.Close() }

// Next parses the next data row, skipping blank ones; io.EOF after the
// last. An error other than io.EOF means the file itself cannot be read on
// (a row's own faults are in Parsed.Errors).
func (t *Table) Next() (Parsed, error) {
	for {
		row, err := t.src.Next()
		if err != nil {
			return Parsed{}, err
		}
		if blank(row.Cells) {
			continue
		}
		if h, ok := t.src.(headered); ok && len(h.Header()) != t.width {
			cols, err := MapColumns(h.Header(), t.mapping)
			if err != nil {
				return Parsed{}, err
			}
			t.setColumns(cols)
		}
		return ParseRow(t.cols, row, t.today), nil
	}
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
