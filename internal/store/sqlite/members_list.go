package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"github.com/sohoi/sohoi/internal/errs"
	"strings"

	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
)

// ListMembers implements members.Store. The plan depends on the query:
// words walk member_keys of (the unit, the leading term) in the official
// order from the cursor on and stop after a page (members.PlanSearch); a
// branch's roll is read in order from (path, sort_key); a commune's is
// read by path range and sorted; larger subtrees walk the official order
// and keep the rows under the unit, which finds a page after a few hundred
// rows when the unit holds a sizeable share of the roll.
func (db *DB) ListMembers(ctx context.Context, q members.Query) (_ page.Result[*members.Member], err error) {
	defer errs.Wrap(&err, "sqlite: ListMembers")
	var res page.Result[*members.Member]
	k, err := page.Seek(q.Page)
	if err != nil {
		return res, err
	}
	var path string
	var level units.Level
	err = db.reads(ctx).QueryRowContext(ctx, `SELECT path, level FROM units WHERE id = ?`, q.Path.Unit()).Scan(&path, &level)
	if errors.Is(err, sql.ErrNoRows) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	query, args := listQuery(q, path, level, k)
	rows, err := db.reads(ctx).QueryContext(ctx, query, args...)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	var keys []string
	var items []*members.Member
	for rows.Next() {
		var key string
		m, err := scanMember(prependScan{&key, rows})
		if err != nil {
			return res, err
		}
		keys = append(keys, key)
		items = append(items, m)
	}
	return page.Cut(k, items, func(i int) string { return keys[i] }), rows.Err()
}

// listQuery is the statement of one page of q under the unit at path, of
// level, after the sort key after.
func listQuery(q members.Query, path string, level units.Level, k page.Keyset) (string, []any) {
	var where []string
	var args []any
	var from, order string
	switch {
	case len(q.Words) > 0:
		plan := members.PlanSearch(q.Words)
		from, order = `member_keys k CROSS JOIN members m ON m.rowid = k.rid`, "k.sort_key"
		where = append(where, "k.unit = ? AND k.term = ? AND k.sort_key > ?")
		args = append(args, q.Path.Unit(), plan.Lead, k.After)
		// the other words: one primary-key probe each, on the same entry
		for _, w := range plan.Check {
			where = append(where, `EXISTS (SELECT 1 FROM member_keys c WHERE c.unit = k.unit AND c.term = ? AND c.sort_key = k.sort_key)`)
			args = append(args, w)
		}
	case level == units.Branch:
		from, order = `members m INDEXED BY members_roll`, "m.sort_key"
		where = append(where, "m.path = ? AND m.sort_key > ?")
		args = append(args, path, k.After)
	case level == units.Commune:
		from, order = `members m INDEXED BY members_roll`, "m.sort_key"
		where = append(where, "m.path >= ? AND m.path < ? AND m.sort_key > ?")
		args = append(args, path, path+"\x7f", k.After)
	default:
		from, order = `members m INDEXED BY members_sort`, "m.sort_key"
		where = append(where, "m.path >= ? AND m.path < ? AND m.sort_key > ?")
		args = append(args, path, path+"\x7f", k.After)
	}
	if len(q.Statuses) > 0 {
		where = append(where, "m.status IN ("+strings.TrimSuffix(strings.Repeat("?,", len(q.Statuses)), ",")+")")
		for _, s := range q.Statuses {
			args = append(args, s)
		}
	}
	args = append(args, k.Fetch())
	cols := prefixed("m.", memberCols)
	if q.Brief { // scanMember leaves Stints nil for ''
		cols = strings.Replace(cols, "m.stints", "'' AS stints", 1)
	}
	return `SELECT m.sort_key, ` + cols + ` FROM ` + from +
		` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + order + ` LIMIT ?`, args
}

// prefixed qualifies a column list with a table alias.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// prependScan scans one extra leading column into first.
type prependScan struct {
	first *string
	rows  *sql.Rows
}

func (p prependScan) Scan(dest ...any) error { return p.rows.Scan(append([]any{p.first}, dest...)...) }
