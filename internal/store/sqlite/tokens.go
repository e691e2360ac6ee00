package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
)

// CreateRefreshToken implements access.RefreshStore.
func (db *DB) CreateRefreshToken(ctx context.Context, t *access.RefreshToken) (err error) {
	defer errs.Wrap(&err, "sqlite: CreateRefreshToken")
	_, err = db.write.ExecContext(ctx, `INSERT INTO refresh_tokens(id, family_id, user_id, created_at, expires_at, used, revoked)
		VALUES (?,?,?,?,?,?,?)`, t.ID, t.FamilyID, t.UserID, nanos(t.CreatedAt), nanos(t.ExpiresAt), t.Used, t.Revoked)
	return err
}

// UseRefreshToken implements access.RefreshStore.
func (db *DB) UseRefreshToken(ctx context.Context, id string) (_ *access.RefreshToken, _ bool, err error) {
	defer errs.Wrap(&err, "sqlite: UseRefreshToken")
	var t access.RefreshToken
	var created, expires int64
	err = db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT id, family_id, user_id, created_at, expires_at, used, revoked
			FROM refresh_tokens WHERE id = ?`, id).Scan(&t.ID, &t.FamilyID, &t.UserID, &created, &expires, &t.Used, &t.Revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "refresh token not found")
		}
		if err != nil || t.Used {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE refresh_tokens SET used = 1 WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	t.CreatedAt, t.ExpiresAt = fromNanos(created), fromNanos(expires)
	return &t, t.Used, nil
}

// RevokeRefreshFamily implements access.RefreshStore.
func (db *DB) RevokeRefreshFamily(ctx context.Context, familyID string) (err error) {
	defer errs.Wrap(&err, "sqlite: RevokeRefreshFamily %s", familyID)
	_, err = db.write.ExecContext(ctx, `UPDATE refresh_tokens SET revoked = 1 WHERE family_id = ?`, familyID)
	return err
}

// RefreshFamilyRevoked implements access.RefreshStore.
func (db *DB) RefreshFamilyRevoked(ctx context.Context, familyID string) (_ bool, err error) {
	defer errs.Wrap(&err, "sqlite: RefreshFamilyRevoked %s", familyID)
	var n int
	// Through a reader: every authenticated request asks, and must not
	// queue behind writes. In WAL mode a statement outside a transaction
	// reads the last committed state, so a revocation a moment ago is seen.
	err = db.reads(ctx).QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = ? AND revoked = 1)`, familyID).Scan(&n)
	return n == 1, err
}

// RevokeUserRefreshTokens implements access.RefreshStore.
func (db *DB) RevokeUserRefreshTokens(ctx context.Context, userID string) (err error) {
	defer errs.Wrap(&err, "sqlite: RevokeUserRefreshTokens %s", userID)
	_, err = db.write.ExecContext(ctx, `UPDATE refresh_tokens SET revoked = 1 WHERE user_id = ?`, userID)
	return err
}

// DeleteExpiredRefreshTokens implements access.RefreshStore.
func (db *DB) DeleteExpiredRefreshTokens(ctx context.Context, before time.Time) (_ int, err error) {
	defer errs.Wrap(&err, "sqlite: DeleteExpiredRefreshTokens")
	res, err := db.write.ExecContext(ctx, `DELETE FROM refresh_tokens WHERE expires_at < ?`, nanos(before))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// CreateSigningKey implements access.KeyStore.
func (db *DB) CreateSigningKey(ctx context.Context, k *access.SigningKey) (err error) {
	defer errs.Wrap(&err, "sqlite: CreateSigningKey")
	_, err = db.write.ExecContext(ctx, `INSERT INTO signing_keys(id, algorithm, private_key, created_at) VALUES (?,?,?,?)`,
		k.ID, k.Algorithm, k.PrivateKey, nanos(k.CreatedAt))
	return err
}

// ListSigningKeys implements access.KeyStore.
func (db *DB) ListSigningKeys(ctx context.Context) (_ []*access.SigningKey, err error) {
	defer errs.Wrap(&err, "sqlite: ListSigningKeys")
	// Read through the writer so a key created a moment ago is seen.
	rows, err := db.write.QueryContext(ctx, `SELECT id, algorithm, private_key, created_at FROM signing_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*access.SigningKey
	for rows.Next() {
		var k access.SigningKey
		var created int64
		if err := rows.Scan(&k.ID, &k.Algorithm, &k.PrivateKey, &created); err != nil {
			return nil, err
		}
		k.CreatedAt = fromNanos(created)
		out = append(out, &k)
	}
	return out, rows.Err()
}
