package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/idempotency"
)

// idempotencyKeysTable keeps the Idempotency-Key of each user's creates
// with the first answer; expires_at serves the hourly purge.
const idempotencyKeysTable = `
CREATE TABLE idempotency_keys (
	user_id      TEXT NOT NULL,
	key          TEXT NOT NULL,
	token        TEXT NOT NULL,
	fingerprint  TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL,
	done         INTEGER NOT NULL DEFAULT 0,
	status       INTEGER NOT NULL DEFAULT 0,
	content_type TEXT NOT NULL DEFAULT '',
	location     TEXT NOT NULL DEFAULT '',
	etag         TEXT NOT NULL DEFAULT '',
	body         BLOB,
	PRIMARY KEY (user_id, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX idempotency_keys_expiry ON idempotency_keys(expires_at);
`

// ClaimIdempotencyKey implements idempotency.Store: one upsert that
// replaces only a record that no longer counts, then, when it changed
// nothing, the record that counts, in the same transaction.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, r *idempotency.Record, abandonedBefore time.Time) (_ *idempotency.Record, err error) {
	defer errs.Wrap(&err, "sqlite: ClaimIdempotencyKey")
	var other *idempotency.Record
	err = db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		other = nil
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys(user_id, key, token, fingerprint, created_at, expires_at)
			VALUES (?,?,?,?,?,?)
			ON CONFLICT (user_id, key) DO UPDATE SET token = excluded.token, fingerprint = excluded.fingerprint,
				created_at = excluded.created_at, expires_at = excluded.expires_at,
				done = 0, status = 0, content_type = '', location = '', etag = '', body = NULL
			WHERE idempotency_keys.expires_at <= excluded.created_at OR (idempotency_keys.done = 0 AND idempotency_keys.created_at < ?)`,
			r.UserID, r.Key, r.Token, r.Fingerprint, nanos(r.CreatedAt), nanos(r.ExpiresAt), nanos(abandonedBefore))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		other, err = getIdempotencyKey(ctx, tx, r.UserID, r.Key)
		return err
	})
	return other, err
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getIdempotencyKey(ctx context.Context, q querier, userID, key string) (*idempotency.Record, error) {
	r := idempotency.Record{UserID: userID, Key: key}
	var created, expires int64
	err := q.QueryRowContext(ctx, `SELECT token, fingerprint, created_at, expires_at, done, status, content_type, location, etag, body
		FROM idempotency_keys WHERE user_id = ? AND key = ?`, userID, key).Scan(&r.Token, &r.Fingerprint, &created, &expires,
		&r.Done, &r.Answer.Status, &r.Answer.ContentType, &r.Answer.Location, &r.Answer.ETag, &r.Answer.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "idempotency key not found")
	}
	if err != nil {
		return nil, err
	}
	r.CreatedAt, r.ExpiresAt = fromNanos(created), fromNanos(expires)
	return &r, nil
}

// GetIdempotencyKey implements idempotency.Store.
func (db *DB) GetIdempotencyKey(ctx context.Context, userID, key string) (_ *idempotency.Record, err error) {
	defer errs.Wrap(&err, "sqlite: GetIdempotencyKey")
	return getIdempotencyKey(ctx, db.read, userID, key)
}

// CompleteIdempotencyKey implements idempotency.Store.
func (db *DB) CompleteIdempotencyKey(ctx context.Context, userID, key, token string, a idempotency.Answer) (err error) {
	defer errs.Wrap(&err, "sqlite: CompleteIdempotencyKey")
	body := a.Body
	if body == nil {
		body = []byte{}
	}
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET done = 1, status = ?, content_type = ?, location = ?, etag = ?, body = ?
			WHERE user_id = ? AND key = ? AND token = ?`, a.Status, a.ContentType, a.Location, a.ETag, body, userID, key, token)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		return errs.E(errs.NotFound, "idempotency key not found")
	})
}

// ReleaseIdempotencyKey implements idempotency.Store.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, userID, key, token string) (err error) {
	defer errs.Wrap(&err, "sqlite: ReleaseIdempotencyKey")
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? AND token = ? AND done = 0`, userID, key, token)
		return err
	})
}

// DeleteExpiredIdempotencyKeys implements idempotency.Store, from
// idempotency_keys_expiry.
func (db *DB) DeleteExpiredIdempotencyKeys(ctx context.Context, before time.Time) (n int, err error) {
	defer errs.Wrap(&err, "sqlite: DeleteExpiredIdempotencyKeys")
	err = db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE expires_at < ?`, nanos(before))
		if err != nil {
			return err
		}
		m, err := res.RowsAffected()
		n = int(m)
		return err
	})
	return n, err
}
