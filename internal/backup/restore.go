package backup

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/evidence"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/scholarships"
	"github.com/sohoi/sohoi/internal/units"
)

// writeBatch is how many members or audit entries one store call writes.
const writeBatch = 500

// Opener opens the backup file again: a restore reads it twice, once to
// check every line and once to write.
type Opener func() (io.ReadCloser, error)

// Restore writes the records of a backup into s, which must be empty. It
// first reads the whole file and refuses it, writing nothing, if any line
// is not a record of a known section in order, the format is another, or
// the trailer is missing or disagrees with the records (a truncated or
// damaged file). A restore that stops part-way (a crash, a full disk) leaves
// a database to empty and restore into again.
func Restore(ctx context.Context, s Store, open Opener) (Header, Trailer, error) {
	h, t, err := read(open, nil)
	if err != nil {
		return h, t, err
	}
	if err := Empty(ctx, s); err != nil {
		return h, t, err
	}
	r := &restorer{s: s}
	if _, _, err := read(open, func(sec Section, rec any) error { return r.put(ctx, sec, rec) }); err != nil {
		return h, t, err
	}
	return h, t, r.flush(ctx)
}

// Empty says why s cannot take a restore, or nil when it holds no unit,
// no user and no signing key.
func Empty(ctx context.Context, s Store) error {
	_, err := s.GetUnit(ctx, units.RootID)
	switch {
	case err == nil:
		return errs.E(errs.Conflict, "the database is not empty (it has units): restore into a new one")
	case !errs.Is(err, errs.NotFound):
		return err
	}
	if has, err := s.HasUsers(ctx); err != nil || has {
		return errors.Join(err, errIf(has, "the database is not empty (it has users): restore into a new one"))
	}
	keys, err := s.ListSigningKeys(ctx)
	if err != nil || len(keys) > 0 {
		return errors.Join(err, errIf(len(keys) > 0, "the database is not empty (it has signing keys): restore into a new one"))
	}
	return nil
}

func errIf(cond bool, msg string) error {
	if cond {
		return errs.E(errs.Conflict, "%s", msg)
	}
	return nil
}

// read decodes the file, checking it as it goes, and hands each record to
// fn (nil: check only).
func read(open Opener, fn func(Section, any) error) (h Header, t Trailer, err error) {
	f, err := open()
	if err != nil {
		return h, t, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return h, t, invalid("not a gzip file: %v", err)
	}
	dec := json.NewDecoder(gz)
	if err := dec.Decode(&h); err != nil {
		return h, t, invalid("no header: %v", err)
	}
	if h.Format != Format {
		return h, t, invalid("not a sohoi backup (format %q)", h.Format)
	}
	if h.Version != Version {
		return h, t, invalid("backup format version %d; this sohoi reads version %d", h.Version, Version)
	}
	count := map[Section]int{}
	at := 0 // the index in Sections of the current section
	for line := 2; ; line++ {
		var l struct {
			Section Section         `json:"s"`
			Record  json.RawMessage `json:"r"`
			End     map[Section]int `json:"end"`
		}
		if err := dec.Decode(&l); err != nil {
			if errors.Is(err, io.EOF) {
				return h, t, invalid("the file ends without its trailer at line %d: truncated", line)
			}
			return h, t, invalid("line %d: %v", line, err)
		}
		if l.End != nil {
			t.End = l.End
			return h, t, checkEnd(dec, count, t, line)
		}
		i := slices.Index(Sections, l.Section)
		if i < 0 {
			return h, t, invalid("line %d: unknown section %q", line, l.Section)
		}
		if i < at {
			return h, t, invalid("line %d: section %q after %q: out of order", line, l.Section, Sections[at])
		}
		at = i
		rec, _ := newRecord(l.Section)
		if err := json.Unmarshal(l.Record, rec); err != nil {
			return h, t, invalid("line %d: %s record: %v", line, l.Section, err)
		}
		if err := checkRecord(rec); err != nil {
			return h, t, invalid("line %d: %v", line, err)
		}
		count[l.Section]++
		if fn != nil {
			if err := fn(l.Section, rec); err != nil {
				return h, t, fmt.Errorf("restoring line %d (%s): %w", line, l.Section, err)
			}
		}
	}
}

// checkEnd checks the trailer against the records read, and that nothing
// follows it.
func checkEnd(dec *json.Decoder, count map[Section]int, t Trailer, line int) error {
	for _, s := range Sections {
		if count[s] != t.End[s] {
			return invalid("the trailer says %d %s, the file holds %d: damaged", t.End[s], s, count[s])
		}
	}
	for s := range t.End {
		if !slices.Contains(Sections, s) {
			return invalid("the trailer names an unknown section %q", s)
		}
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return invalid("data after the trailer (line %d)", line+1)
	}
	return nil
}

func invalid(format string, args ...any) error {
	return errs.E(errs.Validation, "backup: "+format, args...)
}

// checkRecord refuses, in the reading pass, a record that decodes but
// could not be written as it is: the write pass must not meet one half-way.
func checkRecord(rec any) error {
	switch v := rec.(type) {
	case *Member:
		if v.Member == nil || len(v.History) == 0 {
			return fmt.Errorf("a member without its history")
		}
	case *EvidenceFile:
		if v.File == nil || int64(len(v.Content)) != v.File.Size {
			return fmt.Errorf("an evidence file whose content is not its size")
		}
		if sum := sha256.Sum256(v.Content); hex.EncodeToString(sum[:]) != v.File.ID {
			return fmt.Errorf("evidence file %s: its content does not have this SHA-256", v.File.ID)
		}
	}
	return nil
}

// restorer writes records, batching members and audit entries.
type restorer struct {
	s         Store
	members   []*members.Member
	histories [][]*members.Event
	audit     []*audit.Entry
}

func (r *restorer) put(ctx context.Context, sec Section, rec any) error {
	if sec != Members && len(r.members) > 0 || sec != Audit && len(r.audit) > 0 {
		if err := r.flush(ctx); err != nil {
			return err
		}
	}
	switch v := rec.(type) {
	case *access.SigningKey:
		return r.s.CreateSigningKey(ctx, v)
	case *units.Unit:
		return r.s.CreateUnit(ctx, v)
	case *units.MoveRecord:
		return r.s.RecordMove(ctx, v)
	case *access.User:
		return r.s.CreateUser(ctx, v)
	case *access.RefreshToken:
		return r.s.CreateRefreshToken(ctx, v)
	case *Member:
		r.members = append(r.members, v.Member)
		r.histories = append(r.histories, v.History)
		if len(r.members) >= writeBatch {
			return r.flush(ctx)
		}
		return nil
	case *officers.Board:
		return r.s.RestoreBoard(ctx, v)
	case *learning.Recognition:
		return r.s.CreateRecognition(ctx, v)
	case *EvidenceFile:
		_, err := r.s.PutFile(ctx, v.File, bytes.NewReader(v.Content))
		return err
	case *evidence.Link:
		return r.s.LinkFile(ctx, v)
	case *fund.Entry:
		return r.s.AddEntry(ctx, v)
	case *scholarships.Award:
		return r.s.CreateAward(ctx, v)
	case *string:
		return r.s.AddSnapshotDay(ctx, *v)
	case *AuditEntry:
		r.audit = append(r.audit, v.entry())
		if len(r.audit) >= writeBatch {
			return r.flush(ctx)
		}
		return nil
	}
	return fmt.Errorf("backup: no restore for %T", rec)
}

func (r *restorer) flush(ctx context.Context) error {
	if len(r.members) > 0 {
		if err := r.s.RestoreMembers(ctx, r.members, r.histories); err != nil {
			return err
		}
		r.members, r.histories = r.members[:0], r.histories[:0]
	}
	if len(r.audit) > 0 {
		if err := r.s.RestoreAudit(ctx, r.audit); err != nil {
			return err
		}
		r.audit = r.audit[:0]
	}
	return nil
}
