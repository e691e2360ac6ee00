package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
)

type grantRow struct {
	Role   access.Role   `json:"role"`
	UnitID string        `json:"unitId"`
	Path   unitpath.Path `json:"path"`
}

func encodeGrants(gs []access.Grant) (string, error) {
	rows := make([]grantRow, len(gs))
	for i, g := range gs {
		rows[i] = grantRow(g)
	}
	b, err := json.Marshal(rows)
	return string(b), err
}

const userCols = `id, username, display_name, password_hash, grants, version, created_at, updated_at, disabled`

func scanUser(row interface{ Scan(...any) error }) (*access.User, error) {
	var u access.User
	var grants string
	var created, updated int64
	if err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &grants, &u.Version, &created, &updated, &u.Disabled); err != nil {
		return nil, err
	}
	var rows []grantRow
	if err := json.Unmarshal([]byte(grants), &rows); err != nil {
		return nil, err
	}
	for _, r := range rows {
		u.Grants = append(u.Grants, access.Grant(r))
	}
	u.CreatedAt, u.UpdatedAt = fromNanos(created), fromNanos(updated)
	return &u, nil
}

// writeGrantUnits replaces the user's rows in user_grant_units.
func writeGrantUnits(ctx context.Context, tx *sql.Tx, u *access.User) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_grant_units WHERE user_id = ?`, u.ID); err != nil {
		return err
	}
	for _, unit := range access.GrantUnits(u.Grants) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_grant_units(unit_id, user_id) VALUES (?, ?)`, unit, u.ID); err != nil {
			return err
		}
	}
	return nil
}

// CreateUser implements access.UserStore.
func (db *DB) CreateUser(ctx context.Context, u *access.User) (err error) {
	defer errs.Wrap(&err, "sqlite: CreateUser %s", u.ID)
	grants, err := encodeGrants(u.Grants)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users(`+userCols+`) VALUES (?,?,?,?,?,?,?,?,?)`,
			u.ID, u.Username, u.DisplayName, u.PasswordHash, grants, u.Version, nanos(u.CreatedAt), nanos(u.UpdatedAt), u.Disabled)
		if isUnique(err) {
			return errs.E(errs.Conflict, "the username %q is taken", u.Username)
		}
		if err != nil {
			return err
		}
		return writeGrantUnits(ctx, tx, u)
	})
}

func (db *DB) getUser(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, where string, arg any) (*access.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "user not found")
	}
	return u, err
}

// GetUser implements access.UserStore.
func (db *DB) GetUser(ctx context.Context, id string) (_ *access.User, err error) {
	defer errs.Wrap(&err, "sqlite: GetUser %s", id)
	return db.getUser(ctx, db.read, "id = ?", id)
}

// GetUserByUsername implements access.UserStore.
func (db *DB) GetUserByUsername(ctx context.Context, username string) (_ *access.User, err error) {
	defer errs.Wrap(&err, "sqlite: GetUserByUsername %s", username)
	return db.getUser(ctx, db.read, "username = ?", username)
}

// UpdateUser implements access.UserStore.
func (db *DB) UpdateUser(ctx context.Context, u *access.User) (err error) {
	defer errs.Wrap(&err, "sqlite: UpdateUser %s", u.ID)
	grants, err := encodeGrants(u.Grants)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET display_name = ?, password_hash = ?, grants = ?, version = ?, updated_at = ?, disabled = ?
			WHERE id = ? AND version = ?`, u.DisplayName, u.PasswordHash, grants, u.Version, nanos(u.UpdatedAt), u.Disabled, u.ID, u.Version-1)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.SwapMissed("user", u.ID, u.Version-1, func() (int, error) {
				cur, err := db.getUser(ctx, tx, "id = ?", u.ID)
				if err != nil {
					return 0, err
				}
				return cur.Version, nil
			})
		}
		return writeGrantUnits(ctx, tx, u)
	})
}

// DeleteUser implements access.UserStore (its grant units go with it, by
// the foreign key).
func (db *DB) DeleteUser(ctx context.Context, id string) (err error) {
	defer errs.Wrap(&err, "sqlite: DeleteUser %s", id)
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, "user not found")
		}
		return nil
	})
}

// ListUsers implements access.UserStore; the cursor is the last username.
func (db *DB) ListUsers(ctx context.Context, underUnits []string, p page.Request) (_ page.Result[*access.User], err error) {
	defer errs.Wrap(&err, "sqlite: ListUsers")
	var res page.Result[*access.User]
	if len(underUnits) == 0 {
		return res, nil
	}
	k, err := page.Seek(p)
	if err != nil {
		return res, err
	}
	args := make([]any, 0, len(underUnits)+2)
	for _, id := range underUnits {
		args = append(args, id)
	}
	args = append(args, k.After, k.Fetch())
	marks := strings.TrimSuffix(strings.Repeat("?,", len(underUnits)), ",")
	rows, err := db.reads(ctx).QueryContext(ctx, `SELECT `+userCols+` FROM users WHERE id IN
		(SELECT user_id FROM user_grant_units WHERE unit_id IN (`+marks+`)) AND username > ? ORDER BY username LIMIT ?`, args...)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	var items []*access.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return res, err
		}
		items = append(items, u)
	}
	return page.Cut(k, items, func(i int) string { return items[i].Username }), rows.Err()
}

// HasUsers implements access.UserStore.
func (db *DB) HasUsers(ctx context.Context) (_ bool, err error) {
	defer errs.Wrap(&err, "sqlite: HasUsers")
	var n int
	err = db.reads(ctx).QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users)`).Scan(&n)
	return n == 1, err
}
