package sqlite

import (
	"context"
	"database/sql"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// rewritePathsIndexes let every kind of RewritePaths find the records of a
// subtree by a range of its path (units and members have theirs already).
const rewritePathsIndexes = `
CREATE INDEX officer_boards_path_range ON officer_boards(path);
CREATE INDEX counters_path_range ON counters(path);
CREATE INDEX stale_marks_path_range ON stale_marks(path);
`

// RewritePaths implements units.PathRewriter. Each call is one
// transaction over at most limit records of one kind: a subtree's records
// are found by the range of its path key, and a rewritten record leaves
// the range, so a step that was rolled back is simply done again.
func (db *DB) RewritePaths(ctx context.Context, from, to unitpath.Path, after string, limit int) (next string, err error) {
	defer errs.Wrap(&err, "sqlite: RewritePaths %v to %v after %q", from, to, after)
	rangeStep := func(table, key string, bump bool) func(ctx context.Context, from, to unitpath.Path, _ string, limit int) (string, int, error) {
		set := `path = ?1 || substr(path, ?2)`
		if bump {
			set += `, version = version + 1`
		}
		q := `UPDATE ` + table + ` SET ` + set + ` WHERE (` + key + `) IN (SELECT ` + key + ` FROM ` + table + `
			WHERE path >= ?3 AND path < ?4 LIMIT ?5)`
		return func(ctx context.Context, from, to unitpath.Path, _ string, limit int) (string, int, error) {
			lo, hi := keyRange(from)
			res, err := db.write.ExecContext(ctx, q, to.Key(), len(lo)+1, lo, hi, limit)
			if err != nil {
				return "", 0, err
			}
			n, err := res.RowsAffected()
			return "", int(n), err
		}
	}
	return units.RunRewrite(ctx, from, to, after, limit, []units.RewriteKind{
		{Name: "units", Step: rangeStep("units", "id", true)},
		{Name: "boards", Step: rangeStep("officer_boards", "unit_id", true)},
		{Name: "counters", Step: rangeStep("counters", "unit_id, day", false)},
		{Name: "marks", Step: rangeStep("stale_marks", "unit_id, day, change_id", false)},
		{Name: "users", Step: db.rewriteGrants},
		{Name: "members", Step: db.rewriteMembers},
		// Issue 20's records (recognitions.go, evidence.go, fund.go, awards.go).
		{Name: "recognitions", Step: rangeStep("recognitions", "id", true)},
		{Name: "evidence links", Step: rangeStep("evidence_links", "recognition, criterion, file", false)},
		{Name: "fund entries", Step: rangeStep("fund_entries", "id", false)},
		{Name: "awards", Step: rangeStep("awards", "id", false)},
	})
}

// keyRange is the range of path keys of from's subtree: '/…/id/' up to
// '/…/id0' ('0' follows '/').
func keyRange(from unitpath.Path) (lo, hi string) {
	lo = from.Key()
	return lo, lo[:len(lo)-1] + "0"
}

// rewriteGrants rewrites the grants of users filed under the moved unit,
// in user id order (the cursor): a user's rows in user_grant_units name
// the moved unit before and after, so they do not leave the lookup.
func (db *DB) rewriteGrants(ctx context.Context, from, to unitpath.Path, after string, limit int) (last string, n int, err error) {
	err = db.batchTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+prefixed("u.", userCols)+` FROM user_grant_units g JOIN users u ON u.id = g.user_id
			WHERE g.unit_id = ? AND g.user_id > ? ORDER BY g.user_id LIMIT ?`, from.Unit(), after, limit)
		if err != nil {
			return err
		}
		var users []*access.User
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				rows.Close()
				return err
			}
			users = append(users, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, u := range users {
			last, n = u.ID, n+1
			gs, changed := access.RebaseGrants(u.Grants, from, to)
			if !changed {
				continue
			}
			u.Grants = gs
			grants, err := encodeGrants(gs)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET grants = ?, version = version + 1 WHERE id = ?`, grants, u.ID); err != nil {
				return err
			}
			if err := writeGrantUnits(ctx, tx, u); err != nil {
				return err
			}
		}
		return nil
	})
	return last, n, err
}

// rewriteMembers rewrites the path and the search keys of the members of
// the subtree; the keys under the units above the moved top change.
func (db *DB) rewriteMembers(ctx context.Context, from, to unitpath.Path, _ string, limit int) (last string, n int, err error) {
	lo, hi := keyRange(from)
	err = db.batchTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		batch, err := keyedMembers(tx.QueryContext(ctx, `SELECT rowid, full_name, path, sort_key FROM members WHERE path >= ? AND path < ? LIMIT ?`, lo, hi, limit))
		if err != nil {
			return err
		}
		for _, r := range batch {
			n++
			moved, _ := unitpath.ParseKey(r.path).Rebase(from, to)
			if _, err := tx.ExecContext(ctx, `UPDATE members SET path = ?, version = version + 1 WHERE rowid = ?`, moved.Key(), r.rid); err != nil {
				return err
			}
			if err := moveKeys(ctx, tx, r.name, r.key, r.rid, unitpath.ParseKey(r.path), moved); err != nil {
				return err
			}
		}
		return nil
	})
	return "", n, err
}
