package imports

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// csvSource reads a delimited text file.
type csvSource struct {
	r        *csv.Reader
	limit    *rowLimit
	encoding string
	n        int
}

// sampleSize is how much of a file decides its encoding and delimiter.
const sampleSize = 64 << 10

// OpenCSV reads a delimited text roll: UTF-8 with or without a BOM, UTF-16
// with a BOM, or Windows-1258/1252 as Excel writes them on Windows (see
// Encoding for which was assumed); comma, semicolon or tab, whichever the
// first lines use most; quoted fields may hold delimiters and line breaks.
// Cells are NFC: Windows-1258 writes tones as combining marks.
func OpenCSV(r io.Reader) (Source, error) {
	br := bufio.NewReaderSize(r, sampleSize)
	head, err := br.Peek(sampleSize)
	atEOF := errors.Is(err, io.EOF)
	if err != nil && !atEOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	if len(strings.TrimSpace(string(head))) == 0 {
		return nil, notReadable("the file is empty")
	}
	name, dec, skip := detectEncoding(head, atEOF)
	if name != "UTF-16" && looksBinary(head) {
		return nil, notReadable("it is neither text (CSV, NDJSON) nor an XLSX workbook")
	}
	if _, err := br.Discard(skip); err != nil {
		return nil, err
	}
	text := decoded(br, dec)
	// The sample decides the delimiter; it is decoded on its own so that
	// the stream itself is read once.
	sample := string(head[skip:])
	if dec != nil {
		if s, err := dec.String(sample); err == nil {
			sample = s
		}
		dec.Reset()
	}
	if dec == nil && strings.ContainsRune(sample, '\uFFFD') {
		return nil, notReadable("it is not text in a known encoding")
	}
	limit := &rowLimit{r: text}
	cr := csv.NewReader(limit)
	cr.Comma = delimiter(sample)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return &csvSource{r: cr, limit: limit, encoding: name}, nil
}

// delimiter is the one of comma, semicolon and tab that the first lines
// (outside quotes) use most; comma when none is used.
func delimiter(sample string) rune {
	counts := map[rune]int{}
	quoted, lines := false, 0
scan:
	for _, c := range sample {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			if lines++; lines >= 50 {
				break scan
			}
		case c == ',' || c == ';' || c == '\t':
			counts[c]++
		}
	}
	best := ','
	for _, c := range []rune{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

func (s *csvSource) Next() (Row, error) {
	rec, err := s.r.Read()
	s.limit.n = 0
	if err != nil {
		if errors.Is(err, io.EOF) {
			return Row{}, io.EOF
		}
		if errors.Is(err, errRowTooLong) {
			return Row{}, notReadable("row %d is longer than %d bytes (a quote never closed?)", s.n+1, maxRow)
		}
		return Row{}, notReadable("row %d: %v", s.n+1, err)
	}
	s.n++
	cells := make([]string, len(rec))
	for i, c := range rec {
		cells[i] = norm.NFC.String(c)
	}
	return Row{Number: s.n, Cells: cells}, nil
}

func (s *csvSource) Encoding() string { return s.encoding }
func (s *csvSource) Close() error     { return nil }

// maxRow bounds one CSV row, so that memory stays bounded whatever the
// file: an unclosed quote would otherwise make the rest of it one cell.
const maxRow = 1 << 20

var errRowTooLong = errors.New("row too long")

// rowLimit fails a read once a row has taken more than maxRow bytes; the
// source resets n after each row (csv.Reader reads ahead by a few KB only).
type rowLimit struct {
	r io.Reader
	n int
}

func (l *rowLimit) Read(p []byte) (int, error) {
	if l.n > maxRow {
		return 0, errRowTooLong
	}
	n, err := l.r.Read(p)
	l.n += n
	return n, err
}
