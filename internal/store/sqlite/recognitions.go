package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// recognitionsSchema keeps one row per recognition: the columns its rules
// and lists need, and the record itself as JSON (assessments and evidence
// links live inside it, so every transition is one row written). The
// path and version columns are the truth: RewritePaths changes them, and
// they override the JSON's on read.
const recognitionsSchema = `
CREATE TABLE recognitions (
	id          TEXT PRIMARY KEY,
	unit_id     TEXT NOT NULL,
	path        TEXT NOT NULL,
	status      TEXT NOT NULL,
	once_key    TEXT NOT NULL,  -- learning.OnceKey: '' when refused
	renewal_of  TEXT NOT NULL,  -- learning.ActiveRenewal
	list_key    TEXT NOT NULL,  -- learning.ListKey
	kind        TEXT NOT NULL,
	year        INTEGER NOT NULL,
	version     INTEGER NOT NULL,
	doc         TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX recognitions_once ON recognitions(once_key) WHERE once_key <> '';
CREATE UNIQUE INDEX recognitions_renewal ON recognitions(renewal_of) WHERE renewal_of <> '';
CREATE INDEX recognitions_path ON recognitions(path, list_key);
CREATE INDEX recognitions_unit_status ON recognitions(unit_id, status);
`

func recognitionArgs(r *learning.Recognition) ([]any, error) {
	doc, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	return []any{r.ID, r.UnitID, r.Path.Key(), string(r.Status), learning.OnceKey(r), learning.ActiveRenewal(r),
		learning.ListKey(r), r.Kind, r.Year, r.Version, string(doc)}, nil
}

const recognitionCols = `path, version, doc`

func scanRecognition(row interface{ Scan(...any) error }) (*learning.Recognition, error) {
	var path, doc string
	var version int
	if err := row.Scan(&path, &version, &doc); err != nil {
		return nil, err
	}
	r := &learning.Recognition{}
	if err := json.Unmarshal([]byte(doc), r); err != nil {
		return nil, err
	}
	r.Path, r.Version = unitpath.ParseKey(path), version
	return r, nil
}

// CreateRecognition implements learning.Store.
func (db *DB) CreateRecognition(ctx context.Context, r *learning.Recognition) (err error) {
	defer errs.Wrap(&err, "sqlite: CreateRecognition %s", r.ID)
	args, err := recognitionArgs(r)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO recognitions(id, unit_id, path, status, once_key, renewal_of, list_key, kind, year, version, doc)
			VALUES (?,?,?,?,?,?,?,?,?,?,?)`, args...)
		if isUnique(err) {
			return errs.E(errs.Conflict, "a %s named %q at this unit is already proposed or recognised for %d (or renews the same record)", r.Kind, r.Name, r.Year)
		}
		return err
	})
}

// GetRecognition implements learning.Store.
func (db *DB) GetRecognition(ctx context.Context, id string) (_ *learning.Recognition, err error) {
	defer errs.Wrap(&err, "sqlite: GetRecognition %s", id)
	r, err := scanRecognition(db.reads(ctx).QueryRowContext(ctx, `SELECT `+recognitionCols+` FROM recognitions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("recognition", id)
	}
	return r, err
}

// UpdateRecognition implements learning.Store: a compare-and-swap on the
// version.
func (db *DB) UpdateRecognition(ctx context.Context, r *learning.Recognition) (err error) {
	defer errs.Wrap(&err, "sqlite: UpdateRecognition %s", r.ID)
	args, err := recognitionArgs(r)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE recognitions SET unit_id = ?2, path = ?3, status = ?4, once_key = ?5, renewal_of = ?6,
			list_key = ?7, kind = ?8, year = ?9, version = ?10, doc = ?11 WHERE id = ?1 AND version = ?10 - 1`, args...)
		if isUnique(err) {
			return errs.E(errs.Conflict, "another record of the same model and year is proposed or recognised")
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM recognitions WHERE id = ?`, r.ID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return notFound("recognition", r.ID)
		}
		return errs.E(errs.VersionMismatch, "recognition %s changed meanwhile", r.ID)
	})
}

// ListRecognitions implements learning.Store.
func (db *DB) ListRecognitions(ctx context.Context, top unitpath.Path, f learning.Filter, p page.Request) (_ page.Result[*learning.Recognition], err error) {
	defer errs.Wrap(&err, "sqlite: ListRecognitions %v", top)
	var res page.Result[*learning.Recognition]
	k, err := page.Seek(p)
	if err != nil {
		return res, err
	}
	lo, hi := keyRange(top)
	rows, err := db.reads(ctx).QueryContext(ctx, `SELECT `+recognitionCols+` FROM recognitions
		WHERE path >= ? AND path < ? AND list_key > ? AND (?4 = '' OR kind = ?4) AND (?5 = 0 OR year = ?5) AND (?6 = '' OR status = ?6)
		ORDER BY list_key LIMIT ?7`, lo, hi, k.After, f.Kind, f.Year, string(f.Status), k.Fetch())
	if err != nil {
		return res, err
	}
	defer rows.Close()
	var items []*learning.Recognition
	for rows.Next() {
		r, err := scanRecognition(rows)
		if err != nil {
			return res, err
		}
		items = append(items, r)
	}
	return page.Cut(k, items, func(i int) string { return learning.ListKey(items[i]) }), rows.Err()
}

// RecognisedAt implements learning.Store.
func (db *DB) RecognisedAt(ctx context.Context, unitID string) (_ []*learning.Recognition, err error) {
	defer errs.Wrap(&err, "sqlite: RecognisedAt %s", unitID)
	return queryAll(ctx, db.reads(ctx), scanRecognition, `SELECT `+recognitionCols+` FROM recognitions WHERE unit_id = ? AND status = ? ORDER BY id`,
		unitID, string(learning.Recognised))
}

// RenewalOf implements learning.Store: the renewal that is not refused.
func (db *DB) RenewalOf(ctx context.Context, id string) (_ *learning.Recognition, err error) {
	defer errs.Wrap(&err, "sqlite: RenewalOf %s", id)
	r, err := scanRecognition(db.reads(ctx).QueryRowContext(ctx, `SELECT `+recognitionCols+` FROM recognitions WHERE renewal_of = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("renewal of recognition", id)
	}
	return r, err
}

// queryAll runs a query and scans every row.
func queryAll[T any](ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, scan func(interface{ Scan(...any) error }) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
