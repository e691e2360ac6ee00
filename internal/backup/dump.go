package backup

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/scholarships"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// readBatch is how many users or audit entries one store call reads.
const readBatch = 1000

// writer encodes lines and counts them.
type writer struct {
	enc   *json.Encoder
	count map[Section]int
}

func (w *writer) put(s Section, r any) error {
	w.count[s]++
	toMillis(r)
	return w.enc.Encode(Line{Section: s, Record: r})
}

// Dump writes every record of s to w, compressed, and returns how many of
// each section it wrote. It reads through the store's ordinary queries, so
// it sees the database as it is while it runs: for one point in time, dump
// a snapshot (the embedded store takes one; see cmd/sohoi).
func Dump(ctx context.Context, s Store, out io.Writer, h Header) (Trailer, error) {
	h.Format, h.Version = Format, Version
	buf := bufio.NewWriterSize(out, 1<<20)
	gz := gzip.NewWriter(buf)
	w := &writer{enc: json.NewEncoder(gz), count: map[Section]int{}}
	w.enc.SetEscapeHTML(false)
	if err := w.enc.Encode(h); err != nil {
		return Trailer{}, err
	}
	if err := dumpRecords(ctx, s, w); err != nil {
		return Trailer{}, err
	}
	t := Trailer{End: w.count}
	if err := w.enc.Encode(t); err != nil {
		return Trailer{}, err
	}
	if err := gz.Close(); err != nil {
		return Trailer{}, err
	}
	return t, buf.Flush()
}

func dumpRecords(ctx context.Context, s Store, w *writer) error {
	keys, err := s.ListSigningKeys(ctx)
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := w.put(SigningKeys, k); err != nil {
			return err
		}
	}
	unitIDs, err := dumpUnits(ctx, s, w)
	if err != nil || len(unitIDs) == 0 {
		return err
	}
	moves, err := s.MovesSince(ctx, units.RootID, civil.Date{})
	if err != nil {
		return err
	}
	for _, m := range moves {
		if err := w.put(UnitMoves, m); err != nil {
			return err
		}
	}
	if err := dumpUsers(ctx, s, w); err != nil {
		return err
	}
	if err := page.Each(func(p page.Request) (page.Result[*members.Member], error) {
		return s.ListMembers(ctx, members.Query{Path: unitpath.Path{units.RootID}, Page: p})
	}, func(m *members.Member) error {
		h, err := s.MemberHistory(ctx, m.ID, members.InProvinces(m.Path.Province()))
		if err != nil {
			return err
		}
		return w.put(Members, Member{Member: m, History: h})
	}); err != nil {
		return err
	}
	for _, id := range unitIDs {
		b, err := s.GetBoard(ctx, id)
		if err != nil {
			return err
		}
		if b.Version > 0 {
			if err := w.put(Boards, b); err != nil {
				return err
			}
		}
	}
	if err := dumpRecognitions(ctx, s, w); err != nil {
		return err
	}
	top := unitpath.Path{units.RootID}
	if err := page.Each(func(p page.Request) (page.Result[*fund.Entry], error) {
		return s.ListEntries(ctx, top, civil.Date{}, civil.Date{}, p)
	}, func(e *fund.Entry) error { return w.put(FundEntries, e) }); err != nil {
		return err
	}
	if err := page.Each(func(p page.Request) (page.Result[*scholarships.Award], error) {
		return s.ListAwards(ctx, top, civil.Date{}, civil.Date{}, p)
	}, func(a *scholarships.Award) error { return w.put(Awards, a) }); err != nil {
		return err
	}
	days, err := s.SnapshotDays(ctx)
	if err != nil {
		return err
	}
	for _, d := range days {
		if err := w.put(KeptDays, d); err != nil {
			return err
		}
	}
	return dumpAudit(ctx, s, w)
}

// dumpUnits writes the tree breadth first from the root (a parent before
// its children, closed units included) and returns every unit's id.
func dumpUnits(ctx context.Context, s Store, w *writer) ([]string, error) {
	root, err := s.GetUnit(ctx, units.RootID)
	if errs.Is(err, errs.NotFound) {
		return nil, nil // a database nothing was written to yet
	}
	if err != nil {
		return nil, err
	}
	ids := []string{root.ID}
	if err := w.put(Units, root); err != nil {
		return nil, err
	}
	for i := 0; i < len(ids); i++ {
		if err := page.Each(func(p page.Request) (page.Result[*units.Unit], error) {
			return s.ListChildren(ctx, ids[i], p)
		}, func(u *units.Unit) error {
			ids = append(ids, u.ID)
			return w.put(Units, u)
		}); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

func dumpUsers(ctx context.Context, s Store, w *writer) error {
	if err := dumpByID(ctx, w, Users, s.AllUsers, func(u *access.User) string { return u.ID }); err != nil {
		return err
	}
	return dumpByID(ctx, w, RefreshTokens, s.AllRefreshTokens, func(t *access.RefreshToken) string { return t.ID })
}

// dumpByID writes every record a list by id returns, a batch at a time.
func dumpByID[T any](ctx context.Context, w *writer, sec Section, list func(context.Context, string, int) ([]T, error), id func(T) string) error {
	after := ""
	for {
		rs, err := list(ctx, after, readBatch)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if err := w.put(sec, r); err != nil {
				return err
			}
			after = id(r)
		}
		if len(rs) < readBatch {
			return nil
		}
	}
}

// dumpRecognitions writes the recognitions, then the files their evidence
// links show (each once, with its content), then the links.
func dumpRecognitions(ctx context.Context, s Store, w *writer) error {
	var recs []string
	if err := page.Each(func(p page.Request) (page.Result[*learning.Recognition], error) {
		return s.ListRecognitions(ctx, unitpath.Path{units.RootID}, learning.Filter{}, p)
	}, func(r *learning.Recognition) error {
		recs = append(recs, r.ID)
		return w.put(Recognitions, r)
	}); err != nil {
		return err
	}
	var links []any
	seen := map[string]bool{}
	for _, id := range recs {
		ls, err := s.Links(ctx, id)
		if err != nil {
			return err
		}
		for _, l := range ls {
			links = append(links, l)
			if seen[l.File] {
				continue
			}
			seen[l.File] = true
			if err := dumpFile(ctx, s, w, l.File); err != nil {
				return err
			}
		}
	}
	for _, l := range links {
		if err := w.put(EvidenceLinks, l); err != nil {
			return err
		}
	}
	return nil
}

func dumpFile(ctx context.Context, s Store, w *writer, id string) error {
	f, r, err := s.OpenFile(ctx, id)
	if err != nil {
		return err
	}
	defer r.Close()
	content, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("reading evidence file %s: %w", id, err)
	}
	return w.put(EvidenceFiles, EvidenceFile{File: f, Content: content})
}

func dumpAudit(ctx context.Context, s Store, w *writer) error {
	var after int64
	for {
		es, err := s.AuditChain(ctx, after, readBatch)
		if err != nil {
			return err
		}
		for _, e := range es {
			if err := w.put(Audit, toAuditEntry(e)); err != nil {
				return err
			}
			after = e.Seq
		}
		if len(es) < readBatch {
			return nil
		}
	}
}
