package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/importjobs"
)

// fileChunk is the size of the pieces a job's file is kept in.
const fileChunk = 8 << 20

// CreateImportJob implements importjobs.JobStore: the job and its file in
// one transaction.
func (db *DB) CreateImportJob(ctx context.Context, j *importjobs.Job, file io.Reader) (err error) {
	defer errs.Wrap(&err, "sqlite: CreateImportJob %s", j.ID)
	doc, err := json.Marshal(j)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		buf := make([]byte, fileChunk)
		for n := 0; ; n++ {
			k, rerr := io.ReadFull(file, buf)
			if k > 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO import_files(job_id, n, data) VALUES (?,?,?)`, j.ID, n, buf[:k]); err != nil {
					return err
				}
			}
			if errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF) {
				break
			}
			if rerr != nil {
				return rerr
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO import_jobs(id, status, created_at, version, doc) VALUES (?,?,?,?,?)`,
			j.ID, j.Status, nanos(j.CreatedAt), j.Version, string(doc))
		return err
	})
}

func scanJob(row interface{ Scan(...any) error }) (*importjobs.Job, error) {
	var doc string
	if err := row.Scan(&doc); err != nil {
		return nil, err
	}
	var j importjobs.Job
	return &j, json.Unmarshal([]byte(doc), &j)
}

// GetImportJob implements importjobs.JobStore.
func (db *DB) GetImportJob(ctx context.Context, id string) (_ *importjobs.Job, err error) {
	defer errs.Wrap(&err, "sqlite: GetImportJob %s", id)
	j, err := scanJob(db.read.QueryRowContext(ctx, `SELECT doc FROM import_jobs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "import not found")
	}
	return j, err
}

// UpdateImportJob implements importjobs.JobStore.
func (db *DB) UpdateImportJob(ctx context.Context, j *importjobs.Job) (err error) {
	defer errs.Wrap(&err, "sqlite: UpdateImportJob %s", j.ID)
	doc, err := json.Marshal(j)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE import_jobs SET status = ?, version = ?, doc = ? WHERE id = ? AND version = ?`,
			j.Status, j.Version, string(doc), j.ID, j.Version-1)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		return errs.SwapMissed("import", j.ID, j.Version-1, func() (int, error) {
			var v int
			err := tx.QueryRowContext(ctx, `SELECT version FROM import_jobs WHERE id = ?`, j.ID).Scan(&v)
			if errors.Is(err, sql.ErrNoRows) {
				return 0, errs.E(errs.NotFound, "import not found")
			}
			return v, err
		})
	})
}

// ImportJobsWithStatus implements importjobs.JobStore, from import_jobs_status.
func (db *DB) ImportJobsWithStatus(ctx context.Context, st importjobs.Status, limit int) (_ []*importjobs.Job, err error) {
	defer errs.Wrap(&err, "sqlite: ImportJobsWithStatus %s", st)
	rows, err := db.read.QueryContext(ctx, `SELECT doc FROM import_jobs WHERE status = ? ORDER BY created_at, id LIMIT ?`, st, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*importjobs.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// ImportFile implements importjobs.JobStore: the chunks read one at a time.
func (db *DB) ImportFile(ctx context.Context, id string) (io.ReadCloser, error) {
	return importjobs.ChunkedFile(func(n int) ([]byte, error) {
		var data []byte
		err := db.reads(ctx).QueryRowContext(ctx, `SELECT data FROM import_files WHERE job_id = ? AND n = ?`, id, n).Scan(&data)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, io.EOF
		}
		if err != nil {
			return nil, fmt.Errorf("sqlite: ImportFile %s: %w", id, err)
		}
		return data, nil
	}), nil
}

// PutImportRows implements importjobs.JobStore, in one transaction.
func (db *DB) PutImportRows(ctx context.Context, id string, rows []importjobs.RowResult) (err error) {
	defer errs.Wrap(&err, "sqlite: PutImportRows %s", id)
	return db.batchTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO import_rows(job_id, row, doc) VALUES (?,?,?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, r := range rows {
			doc, err := json.Marshal(r)
			if err != nil {
				return err
			}
			if _, err := st.ExecContext(ctx, id, r.Row, string(doc)); err != nil {
				return err
			}
		}
		return nil
	})
}

// ImportRows implements importjobs.JobStore, from import_rows' key.
func (db *DB) ImportRows(ctx context.Context, id string, after, limit int) (_ []importjobs.RowResult, err error) {
	defer errs.Wrap(&err, "sqlite: ImportRows %s", id)
	rows, err := db.read.QueryContext(ctx, `SELECT doc FROM import_rows WHERE job_id = ? AND row > ? ORDER BY row LIMIT ?`, id, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []importjobs.RowResult
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		var r importjobs.RowResult
		if err := json.Unmarshal([]byte(doc), &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
