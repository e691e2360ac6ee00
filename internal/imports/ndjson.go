package imports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// ndjsonSource reads one JSON object per line; its header is the keys seen
// so far, in the order first seen, and each row's cells follow it.
type ndjsonSource struct {
	sc     *bufio.Scanner
	header []string
	index  map[string]int
	n      int
}

// maxLine bounds one NDJSON line: a member is a few hundred bytes.
const maxLine = 1 << 20

// OpenNDJSON reads newline-delimited JSON objects whose keys are column
// names (fullName, birthDate, … or the Vietnamese headers); values are
// strings, numbers or null. Blank lines are skipped, and counted.
func OpenNDJSON(r io.Reader) Source {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	return &ndjsonSource{sc: sc, index: map[string]int{}}
}

func (s *ndjsonSource) Header() []string { return s.header }

func (s *ndjsonSource) Next() (Row, error) {
	for s.sc.Scan() {
		s.n++
		line := bytes.TrimSpace(s.sc.Bytes())
		if s.n == 1 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		if len(line) == 0 {
			continue
		}
		if !utf8.Valid(line) {
			return Row{}, notReadable("line %d is not UTF-8 text", s.n)
		}
		cells, err := s.object(line)
		if err != nil {
			return Row{}, notReadable("line %d is not a JSON object: %v", s.n, err)
		}
		return Row{Number: s.n, Cells: cells}, nil
	}
	if err := s.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return Row{}, notReadable("line %d is longer than %d bytes", s.n+1, maxLine)
		}
		return Row{}, err
	}
	return Row{}, io.EOF
}

// object reads one line's keys in order, so that a new key extends the
// header where it first appears.
func (s *ndjsonSource) object(line []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("it does not begin with {")
	}
	cells := make([]string, len(s.header))
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := norm.NFC.String(t.(string))
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		i, ok := s.index[key]
		if !ok {
			i = len(s.header)
			s.index[key] = i
			s.header = append(s.header, key)
			cells = append(cells, "")
		}
		cells[i] = cellText(v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("there is more after the object")
	}
	return cells, nil
}

// cellText writes a JSON value as a cell: strings as they are, numbers as
// written, null as empty; anything else as its JSON (and refused later by
// the field that receives it).
func cellText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return norm.NFC.String(v)
	case json.Number:
		return v.String()
	default:
		b, _ := json.Marshal(v)
		return strings.TrimSpace(string(b))
	}
}

func (s *ndjsonSource) Encoding() string { return "UTF-8" }
func (s *ndjsonSource) Close() error     { return nil }
