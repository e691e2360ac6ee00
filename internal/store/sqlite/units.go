package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// closedAt is a unit's closing time as stored: NULL while it is open.
func closedAt(u *units.Unit) any {
	if u.ClosedAt.IsZero() {
		return nil
	}
	return nanos(u.ClosedAt)
}

const unitCols = `id, parent_id, level, name, code, path, status, merged_into, version, created_at, updated_at, closed_at`

func scanUnit(row interface{ Scan(...any) error }) (*units.Unit, error) {
	var u units.Unit
	var parent, merged sql.NullString
	var path string
	var created, updated int64
	var closed sql.NullInt64
	err := row.Scan(&u.ID, &parent, &u.Level, &u.Name, &u.Code, &path, &u.Status, &merged, &u.Version, &created, &updated, &closed)
	if err != nil {
		return nil, err
	}
	u.ParentID, u.MergedInto = parent.String, merged.String
	u.Path = unitpath.ParseKey(path)
	u.CreatedAt, u.UpdatedAt = fromNanos(created), fromNanos(updated)
	if closed.Valid {
		u.ClosedAt = fromNanos(closed.Int64)
	}
	return &u, nil
}

// CreateUnit implements units.Store.
func (db *DB) CreateUnit(ctx context.Context, u *units.Unit) (err error) {
	defer errs.Wrap(&err, "sqlite: CreateUnit %s", u.ID)
	err = db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO units(`+unitCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
			u.ID, nullable(u.ParentID), u.Level, u.Name, u.Code, u.Path.Key(), u.Status, nullable(u.MergedInto),
			u.Version, nanos(u.CreatedAt), nanos(u.UpdatedAt), closedAt(u))
		return err
	})
	if isUnique(err) {
		return errs.E(errs.Conflict, "a unit with code %q already exists under this parent", u.Code)
	}
	return err
}

func (db *DB) getUnit(ctx context.Context, q querier, id string) (*units.Unit, error) {
	u, err := scanUnit(q.QueryRowContext(ctx, `SELECT `+unitCols+` FROM units WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("unit", id)
	}
	return u, err
}

// GetUnit implements units.Store.
func (db *DB) GetUnit(ctx context.Context, id string) (_ *units.Unit, err error) {
	defer errs.Wrap(&err, "sqlite: GetUnit %s", id)
	return db.getUnit(ctx, db.read, id)
}

// GetChildByCode implements units.Store.
func (db *DB) GetChildByCode(ctx context.Context, parentID, code string) (_ *units.Unit, err error) {
	defer errs.Wrap(&err, "sqlite: GetChildByCode %s", parentID)
	u, err := scanUnit(db.reads(ctx).QueryRowContext(ctx, `SELECT `+unitCols+` FROM units WHERE parent_id = ? AND code = ?`, parentID, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("unit with code", code)
	}
	return u, err
}

// UpdateUnit implements units.Store.
func (db *DB) UpdateUnit(ctx context.Context, u *units.Unit) (err error) {
	defer errs.Wrap(&err, "sqlite: UpdateUnit %s", u.ID)
	// A missed swap fails the transaction, so that an audit entry riding
	// on it (see tx) is not written for a change that was not.
	errMissed := errors.New("missed")
	err = db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE units SET parent_id = ?, path = ?, name = ?, code = ?, status = ?, merged_into = ?, version = ?,
			updated_at = ?, closed_at = ? WHERE id = ? AND version = ?`,
			nullable(u.ParentID), u.Path.Key(), u.Name, u.Code, u.Status, nullable(u.MergedInto), u.Version, nanos(u.UpdatedAt), closedAt(u),
			u.ID, u.Version-1)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errMissed
		}
		return nil
	})
	if isUnique(err) {
		return errs.E(errs.Conflict, "a unit with code %q already exists under this parent", u.Code)
	}
	if !errors.Is(err, errMissed) {
		return err
	}
	return errs.SwapMissed("unit", u.ID, u.Version-1, func() (int, error) {
		cur, err := db.getUnit(ctx, db.write, u.ID)
		if err != nil {
			return 0, err
		}
		return cur.Version, nil
	})
}

// ListChildren implements units.Store; the cursor is the last code.
func (db *DB) ListChildren(ctx context.Context, parentID string, p page.Request) (_ page.Result[*units.Unit], err error) {
	defer errs.Wrap(&err, "sqlite: ListChildren %s", parentID)
	var res page.Result[*units.Unit]
	k, err := page.Seek(p)
	if err != nil {
		return res, err
	}
	rows, err := db.reads(ctx).QueryContext(ctx, `SELECT `+unitCols+` FROM units WHERE parent_id = ? AND code > ? ORDER BY code LIMIT ?`,
		parentID, k.After, k.Fetch())
	if err != nil {
		return res, err
	}
	defer rows.Close()
	var items []*units.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return res, err
		}
		items = append(items, u)
	}
	return page.Cut(k, items, func(i int) string { return items[i].Code }), rows.Err()
}
