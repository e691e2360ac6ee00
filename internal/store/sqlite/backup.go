package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
)

// What backup.Extra asks of a store: a list of every account, and writes
// that keep records as they were, for a restore into an empty database.

// AllUsers implements backup.Extra.
func (db *DB) AllUsers(ctx context.Context, after string, limit int) (_ []*access.User, err error) {
	defer errs.Wrap(&err, "sqlite: AllUsers")
	rows, err := db.reads(ctx).QueryContext(ctx, `SELECT `+userCols+` FROM users WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var us []*access.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		us = append(us, u)
	}
	return us, rows.Err()
}

// AllRefreshTokens implements backup.Extra.
func (db *DB) AllRefreshTokens(ctx context.Context, after string, limit int) (_ []*access.RefreshToken, err error) {
	defer errs.Wrap(&err, "sqlite: AllRefreshTokens")
	rows, err := db.reads(ctx).QueryContext(ctx, `SELECT id, family_id, user_id, created_at, expires_at, used, revoked
		FROM refresh_tokens WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ts []*access.RefreshToken
	for rows.Next() {
		var t access.RefreshToken
		var created, expires int64
		if err := rows.Scan(&t.ID, &t.FamilyID, &t.UserID, &created, &expires, &t.Used, &t.Revoked); err != nil {
			return nil, err
		}
		t.CreatedAt, t.ExpiresAt = fromNanos(created), fromNanos(expires)
		ts = append(ts, &t)
	}
	return ts, rows.Err()
}

// RestoreMembers implements backup.Extra on the bulk path of seeding and
// imports (LoadMembers): one transaction per call, prepared statements.
func (db *DB) RestoreMembers(ctx context.Context, ms []*members.Member, histories [][]*members.Event) (err error) {
	defer errs.Wrap(&err, "sqlite: RestoreMembers (%d)", len(ms))
	return db.loadMembers(ctx, ms, histories)
}

// RestoreBoard implements backup.Extra.
func (db *DB) RestoreBoard(ctx context.Context, b *officers.Board) (err error) {
	defer errs.Wrap(&err, "sqlite: RestoreBoard %s", b.UnitID)
	posts, err := json.Marshal(b.Posts)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO officer_boards(unit_id, path, version, posts) VALUES (?,?,?,?)`,
			b.UnitID, b.Path.Key(), b.Version, string(posts)); err != nil {
			return err
		}
		return writePosts(ctx, tx, b)
	})
}

// RestoreAudit implements backup.Extra.
func (db *DB) RestoreAudit(ctx context.Context, es []*audit.Entry) (err error) {
	defer errs.Wrap(&err, "sqlite: RestoreAudit (%d)", len(es))
	return db.batchTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, e := range es {
			if err := insertAudit(ctx, tx, e); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE audit_head SET seq = max(seq, ?) WHERE id = 1`, es[len(es)-1].Seq)
		return err
	})
}

// SnapshotTo writes a consistent copy of the whole database to a new file
// at path while writes go on (SQLite's VACUUM INTO reads one snapshot):
// what `sohoi backup` dumps, so that the backup is one point in time. It
// runs on a connection of its own: the readers' are read-only (VACUUM
// INTO writes its target through the connection), and the writer's would
// hold up every write for as long as the copy takes.
func (db *DB) SnapshotTo(ctx context.Context, path string) (err error) {
	defer errs.Wrap(&err, "sqlite: SnapshotTo %s", path)
	// VACUUM INTO fills an empty file and keeps its mode: made here 0600,
	// the copy of personal data is as private as the database.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	conn, err := sql.Open("sqlite", "file:"+db.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, `VACUUM INTO ?`, path)
	return err
}
