package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"io"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/evidence"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// evidenceSchema keeps evidence bytes as blobs of chunkSize in a chunk
// table keyed (file, seq), so that a file is written and read a chunk at a
// time, never whole in memory. A file's row is written after its last
// chunk: until then GetFile and OpenFile do not see it. Chunks of the same
// file id hold the same bytes (the id is their hash), so chunks left by a
// put that failed are simply overwritten by the next put.
const evidenceSchema = `
CREATE TABLE evidence_files (
	id           TEXT PRIMARY KEY,
	size         INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	stored_at    INTEGER NOT NULL
) STRICT;
CREATE TABLE evidence_chunks (
	file TEXT NOT NULL,
	seq  INTEGER NOT NULL,
	data BLOB NOT NULL
) STRICT;
CREATE UNIQUE INDEX evidence_chunks_file_seq ON evidence_chunks(file, seq);
CREATE TABLE evidence_links (
	file        TEXT NOT NULL REFERENCES evidence_files(id),
	recognition TEXT NOT NULL,
	criterion   TEXT NOT NULL,
	path        TEXT NOT NULL,
	name        TEXT NOT NULL,
	linked_by   TEXT NOT NULL,
	linked_at   INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX evidence_links_key ON evidence_links(recognition, criterion, file);
CREATE INDEX evidence_links_file ON evidence_links(file);
CREATE INDEX evidence_links_path ON evidence_links(path);
`

// chunkSize is the size of one stored chunk: 1 MiB.
const chunkSize = 1 << 20

// PutFile implements evidence.Store: each chunk in a transaction of its
// own (a 20 MB file does not hold the writer for its whole length), then
// the file's row, which makes it visible.
func (db *DB) PutFile(ctx context.Context, f *evidence.File, content io.Reader) (created bool, err error) {
	defer errs.Wrap(&err, "sqlite: PutFile %s", f.ID)
	if _, err := db.GetFile(ctx, f.ID); err == nil {
		return false, nil
	} else if !errs.Is(err, errs.NotFound) {
		return false, err
	}
	// The chunks are not the change an audit entry records: the file's
	// row is.
	chunkCtx := context.WithValue(ctx, auditKey{}, (*auditHold)(nil))
	buf := make([]byte, chunkSize)
	for seq := 0; ; seq++ {
		n, rerr := io.ReadFull(content, buf)
		if n > 0 {
			data := buf[:n]
			err := db.tx(chunkCtx, func(ctx context.Context, tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `INSERT INTO evidence_chunks(file, seq, data) VALUES (?,?,?)
					ON CONFLICT(file, seq) DO UPDATE SET data = excluded.data`, f.ID, seq, data)
				return err
			})
			if err != nil {
				return false, err
			}
		}
		if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
			break
		}
		if rerr != nil {
			return false, rerr
		}
	}
	err = db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO evidence_files(id, size, content_type, stored_at) VALUES (?,?,?,?)
			ON CONFLICT(id) DO NOTHING`, f.ID, f.Size, f.ContentType, nanos(f.StoredAt))
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		created = n == 1
		return nil
	})
	return created, err
}

// GetFile implements evidence.Store.
func (db *DB) GetFile(ctx context.Context, id string) (_ *evidence.File, err error) {
	defer errs.Wrap(&err, "sqlite: GetFile %s", id)
	f := &evidence.File{ID: id}
	var at int64
	err = db.reads(ctx).QueryRowContext(ctx, `SELECT size, content_type, stored_at FROM evidence_files WHERE id = ?`, id).Scan(&f.Size, &f.ContentType, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("evidence file", id)
	}
	f.StoredAt = fromNanos(at)
	return f, err
}

// OpenFile implements evidence.Store: the bytes are read a chunk at a
// time, as the caller reads.
func (db *DB) OpenFile(ctx context.Context, id string) (_ *evidence.File, _ io.ReadCloser, err error) {
	f, err := db.GetFile(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return f, &chunkReader{ctx: ctx, db: db, id: id}, nil
}

// chunkReader streams a file's chunks in order.
type chunkReader struct {
	ctx  context.Context
	db   *DB
	id   string
	seq  int
	cur  []byte
	done bool
}

func (r *chunkReader) Read(b []byte) (int, error) {
	for len(r.cur) == 0 {
		if r.done {
			return 0, io.EOF
		}
		var data []byte
		err := r.db.reads(r.ctx).QueryRowContext(r.ctx, `SELECT data FROM evidence_chunks WHERE file = ? AND seq = ?`, r.id, r.seq).Scan(&data)
		if errors.Is(err, sql.ErrNoRows) {
			r.done = true
			continue
		}
		if err != nil {
			return 0, errs.E(errs.Internal, "sqlite: reading chunk %d of evidence file %s: %v", r.seq, r.id, err)
		}
		r.seq++
		r.cur = data
		if len(data) < chunkSize {
			r.done = true
		}
	}
	n := copy(b, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

func (r *chunkReader) Close() error { return nil }

// LinkFile implements evidence.Store.
func (db *DB) LinkFile(ctx context.Context, l *evidence.Link) (err error) {
	defer errs.Wrap(&err, "sqlite: LinkFile %s", l.File)
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM evidence_files WHERE id = ?`, l.File).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return notFound("evidence file", l.File)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO evidence_links(file, recognition, criterion, path, name, linked_by, linked_at)
			VALUES (?,?,?,?,?,?,?) ON CONFLICT(recognition, criterion, file) DO NOTHING`,
			l.File, l.Recognition, l.Criterion, l.Path.Key(), l.Name, l.LinkedBy, nanos(l.LinkedAt))
		return err
	})
}

const linkCols = `file, recognition, criterion, path, name, linked_by, linked_at`

func scanLink(row interface{ Scan(...any) error }) (*evidence.Link, error) {
	l := &evidence.Link{}
	var path string
	var at int64
	if err := row.Scan(&l.File, &l.Recognition, &l.Criterion, &path, &l.Name, &l.LinkedBy, &at); err != nil {
		return nil, err
	}
	l.Path, l.LinkedAt = unitpath.ParseKey(path), fromNanos(at)
	return l, nil
}

// Links implements evidence.Store.
func (db *DB) Links(ctx context.Context, recognition string) (_ []*evidence.Link, err error) {
	defer errs.Wrap(&err, "sqlite: Links %s", recognition)
	return queryAll(ctx, db.reads(ctx), scanLink, `SELECT `+linkCols+` FROM evidence_links WHERE recognition = ? ORDER BY rowid`, recognition)
}

// LinksOfFile implements evidence.Store.
func (db *DB) LinksOfFile(ctx context.Context, file string) (_ []*evidence.Link, err error) {
	defer errs.Wrap(&err, "sqlite: LinksOfFile %s", file)
	return queryAll(ctx, db.reads(ctx), scanLink, `SELECT `+linkCols+` FROM evidence_links WHERE file = ? ORDER BY rowid`, file)
}
