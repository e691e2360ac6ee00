package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// GetBoard implements officers.Store.
func (db *DB) GetBoard(ctx context.Context, unitID string) (_ *officers.Board, err error) {
	defer errs.Wrap(&err, "sqlite: GetBoard %s", unitID)
	b := &officers.Board{UnitID: unitID}
	var path, posts string
	err = db.reads(ctx).QueryRowContext(ctx, `SELECT path, version, posts FROM officer_boards WHERE unit_id = ?`, unitID).Scan(&path, &b.Version, &posts)
	if errors.Is(err, sql.ErrNoRows) {
		return b, nil
	}
	if err != nil {
		return nil, err
	}
	b.Path = unitpath.ParseKey(path)
	return b, json.Unmarshal([]byte(posts), &b.Posts)
}

// SaveBoard implements officers.Store.
func (db *DB) SaveBoard(ctx context.Context, b *officers.Board) (err error) {
	defer errs.Wrap(&err, "sqlite: SaveBoard %s", b.UnitID)
	posts, err := json.Marshal(b.Posts)
	if err != nil {
		return err
	}
	mismatch := errs.E(errs.VersionMismatch, "the posts of unit %s changed meanwhile", b.UnitID)
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if b.Version == 1 {
			_, err := tx.ExecContext(ctx, `INSERT INTO officer_boards(unit_id, path, version, posts) VALUES (?,?,?,?)`,
				b.UnitID, b.Path.Key(), b.Version, string(posts))
			if isUnique(err) {
				return mismatch
			}
			if err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE officer_boards SET path = ?, version = ?, posts = ? WHERE unit_id = ? AND version = ?`,
				b.Path.Key(), b.Version, string(posts), b.UnitID, b.Version-1)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return mismatch
			}
		}
		return writePosts(ctx, tx, b)
	})
}

// writePosts replaces the index of b's officers (BoardOfOfficer).
func writePosts(ctx context.Context, tx *sql.Tx, b *officers.Board) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM officer_posts WHERE unit_id = ?`, b.UnitID); err != nil {
		return err
	}
	for _, p := range b.Posts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO officer_posts(officer_id, unit_id) VALUES (?, ?)`, p.ID, b.UnitID); err != nil {
			return err
		}
	}
	return nil
}

// BoardOfOfficer implements officers.Store.
func (db *DB) BoardOfOfficer(ctx context.Context, officerID string) (_ string, err error) {
	defer errs.Wrap(&err, "sqlite: BoardOfOfficer %s", officerID)
	var unitID string
	err = db.reads(ctx).QueryRowContext(ctx, `SELECT unit_id FROM officer_posts WHERE officer_id = ?`, officerID).Scan(&unitID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.E(errs.NotFound, "officer not found")
	}
	return unitID, err
}
