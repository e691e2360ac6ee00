package imports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/sohoi/sohoi/internal/errs"
)

// Row is one line of a file as a person sees it: its number (the
// spreadsheet's row number, or the NDJSON line) and its cells as written.
type Row struct {
	Number int
	Cells  []string
	// Date1904: the workbook counts date serials from 1904 (old Mac
	// Excel), not 1900.
	Date1904 bool
}

// Source yields the rows of a file one at a time, io.EOF after the last.
type Source interface {
	Next() (Row, error)
	// Encoding names the text encoding assumed ("UTF-8", "UTF-8 with BOM",
	// "Windows-1258", "Windows-1252", "UTF-16") or the format ("XLSX").
	Encoding() string
	Close() error
}

// headered is a Source whose header is known from the data itself (NDJSON
// keys), not found among its rows; it may grow as new keys appear.
type headered interface {
	Header() []string
}

// Format of a file.
type Format string

const (
	CSV    Format = "csv"
	XLSX   Format = "xlsx"
	NDJSON Format = "ndjson"
)

// OpenOptions choose how a file is read; the zero value sniffs the format
// and reads the first sheet.
type OpenOptions struct {
	// Format forces a format; "" sniffs it from the first bytes.
	Format Format
	// Sheet names the XLSX sheet to read; "" is the first.
	Sheet string
}

// notReadable is the error for a file that is no roll we can read.
func notReadable(format string, args ...any) error {
	return errs.E(errs.Validation, "the file cannot be read as a roll: "+format, args...)
}

// Open reads r as a CSV, XLSX or NDJSON roll. An XLSX is read from r whole
// (a zip has its directory at its end); prefer OpenXLSXFile for files on
// disk, whose sheets excelize streams.
func Open(r io.Reader, opts OpenOptions) (Source, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(4096)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	if bytes.HasPrefix(head, oleMagic) {
		return nil, notReadable("it is an old Excel workbook (.xls); save it as .xlsx or CSV and import that")
	}
	format := opts.Format
	if format == "" {
		format = Sniff(head)
		if format == CSV && strings.HasPrefix(trimHead(head), "{") {
			return nil, notReadable("its first line begins like NDJSON (one JSON object a line) but is not one")
		}
	}
	switch format {
	case XLSX:
		return OpenXLSX(br, opts.Sheet)
	case NDJSON:
		return OpenNDJSON(br), nil
	case CSV:
		return OpenCSV(br)
	}
	return nil, notReadable("unknown format %q (csv, xlsx or ndjson)", format)
}

// oleMagic begins the old binary Excel workbooks (.xls), which many
// rolls still are.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// Sniff guesses the format from a file's first bytes: a zip is an XLSX,
// text whose first line is a JSON object is NDJSON, anything else is
// tried as CSV (and Open refuses a file that begins with '{' but is not
// NDJSON: random bytes do, about one file in 200, and were accepted as a
// job that failed only when it read the line). A first line longer than
// the head need only be UTF-8 as far as the head goes.
func Sniff(head []byte) Format {
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return XLSX
	}
	trimmed := trimHead(head)
	if !strings.HasPrefix(trimmed, "{") {
		return CSV
	}
	line, _, whole := strings.Cut(trimmed, "\n")
	if whole && json.Valid([]byte(strings.TrimSuffix(line, "\r"))) {
		return NDJSON
	}
	if !whole {
		// drop a rune the head's end may have cut in two
		for i := 0; i < utf8.UTFMax-1 && line != "" && !utf8.ValidString(line); i++ {
			line = line[:len(line)-1]
		}
		if utf8.ValidString(line) {
			return NDJSON
		}
	}
	return CSV
}

// trimHead is a file's head without a BOM and the blank space before its
// first character.
func trimHead(head []byte) string {
	return strings.TrimLeft(string(bytes.TrimPrefix(head, utf8BOM)), " \t\r\n")
}
