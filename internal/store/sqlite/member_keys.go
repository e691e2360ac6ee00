package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"

	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// memberKeysMigration replaces the full-text index of names (member_terms)
// and the narrow order table it was sorted by (member_order) with search
// keys (members.SearchTerms): one row per unit above a member (its branch
// included) and per word or word pair of its name, in the official order.
// A search reads the rows of (its unit, its leading term) from its cursor
// on and stops after a page, where the full-text index found every match
// in the unit and sorted them (`nguyen thi` in a province of 1 M: ~190 ms).
const memberKeysMigration = `
DROP TRIGGER IF EXISTS member_order_insert;
DROP TRIGGER IF EXISTS member_order_update;
DROP TRIGGER IF EXISTS member_order_delete;
DROP TABLE IF EXISTS member_order;
DROP TABLE member_terms;
CREATE TABLE member_keys (
	unit     TEXT NOT NULL,    -- a unit on the member's path
	term     TEXT NOT NULL,    -- a folded word of the name, or a pair "a b", a < b
	sort_key TEXT NOT NULL,    -- members.sort_key: the official order, unique
	rid      INTEGER NOT NULL, -- members.rowid
	PRIMARY KEY (unit, term, sort_key)
) STRICT, WITHOUT ROWID;
`

// fillMemberKeys builds the keys of the members already stored. The keys
// are appended to a scratch table in member order, then copied into
// member_keys sorted by its primary key: appending in key order is several
// times faster than inserting a million members' keys at random places.
func fillMemberKeys(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE member_keys_fill (unit TEXT, term TEXT, sort_key TEXT, rid INTEGER)`); err != nil {
		return err
	}
	ins, err := tx.PrepareContext(ctx, strings.Replace(insertKeysSQL, "member_keys", "temp.member_keys_fill", 1))
	if err != nil {
		return err
	}
	defer ins.Close()
	for last := int64(-1); ; {
		batch, err := keyedMembers(tx.QueryContext(ctx, `SELECT rowid, full_name, path, sort_key FROM members WHERE rowid > ? ORDER BY rowid LIMIT 5000`, last))
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		for _, r := range batch {
			m := &members.Member{FullName: r.name, Path: unitpath.ParseKey(r.path)}
			if err := execKeys(ctx, ins, m, r.key, r.rid); err != nil {
				return err
			}
		}
		last = batch[len(batch)-1].rid
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO member_keys(unit, term, sort_key, rid)
		SELECT unit, term, sort_key, rid FROM temp.member_keys_fill ORDER BY unit, term, sort_key`); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `DROP TABLE temp.member_keys_fill`)
	return err
}

// keyedMember is what a member's search keys are made of: its rowid,
// name, path and sort key.
type keyedMember struct {
	rid             int64
	name, path, key string
}

// keyedMembers reads the keyedMembers a query (of those four columns)
// returns.
func keyedMembers(rows *sql.Rows, err error) ([]keyedMember, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []keyedMember
	for rows.Next() {
		var r keyedMember
		if err := rows.Scan(&r.rid, &r.name, &r.path, &r.key); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// insertKeysSQL writes every key of one member in one statement: each unit
// of a JSON array crossed with each term of another.
const insertKeysSQL = `INSERT INTO member_keys(unit, term, sort_key, rid)
	SELECT u.value, t.value, ?, ? FROM json_each(?) u, json_each(?) t`

// deleteKeysSQL removes them the same way, each by its primary key.
const deleteKeysSQL = `DELETE FROM member_keys WHERE unit IN (SELECT value FROM json_each(?))
	AND term IN (SELECT value FROM json_each(?)) AND sort_key = ?`

// keyArgs are the JSON arrays of the units and the search terms of a
// member's keys under those units with this name.
func keyArgs(name string, units unitpath.Path) (unitIDs, terms string, err error) {
	u, err := json.Marshal(units)
	if err != nil {
		return "", "", err
	}
	t, err := json.Marshal(members.SearchTerms((&members.Member{FullName: name}).NameWords()))
	return string(u), string(t), err
}

// execKeys runs ins, insertKeysSQL prepared (into member_keys or the
// migration's scratch table), for m stored at rid with sortKey.
func execKeys(ctx context.Context, ins *sql.Stmt, m *members.Member, sortKey string, rid int64) error {
	unitIDs, terms, err := keyArgs(m.FullName, m.Path)
	if err != nil {
		return err
	}
	_, err = ins.ExecContext(ctx, sortKey, rid, unitIDs, terms)
	return err
}

// insertKeys writes the keys of m, stored at rid.
func insertKeys(ctx context.Context, tx *sql.Tx, m *members.Member, rid int64) error {
	return writeKeys(ctx, tx, m.FullName, m.Path, m.SortKey(), rid)
}

// writeKeys writes the keys of a member stored at rid under units, with
// this name and sort key.
func writeKeys(ctx context.Context, tx *sql.Tx, name string, units unitpath.Path, sortKey string, rid int64) error {
	unitIDs, terms, err := keyArgs(name, units)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, insertKeysSQL, sortKey, rid, unitIDs, terms)
	return err
}

// deleteKeys removes the keys a member had under units with this name and
// sort key.
func deleteKeys(ctx context.Context, tx *sql.Tx, name string, units unitpath.Path, sortKey string) error {
	unitIDs, terms, err := keyArgs(name, units)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, deleteKeysSQL, unitIDs, terms, sortKey)
	return err
}

// moveKeys rewrites the keys of a member (stored at rid, its name and sort
// key unchanged) moved from one path to another: only those under the
// units it left and the units it joined. Its keys under the units it
// stays in are the same rows, and deleting them to insert them again
// wrote a page of member_keys for each: a transfer between two branches
// of a commune wrote the keys of five units where two change. Measured
// under issue 15's load, member_keys was a third of all pages written
// (the WAL's frames), more than any other table or index.
func moveKeys(ctx context.Context, tx *sql.Tx, name, sortKey string, rid int64, from, to unitpath.Path) error {
	left, joined := pathChange(from, to)
	if len(left) > 0 {
		if err := deleteKeys(ctx, tx, name, left, sortKey); err != nil {
			return err
		}
	}
	if len(joined) == 0 {
		return nil
	}
	return writeKeys(ctx, tx, name, joined, sortKey, rid)
}

// pathChange is what a move from one path to another changes: the units
// of from not on to (left) and those of to not on from (joined).
func pathChange(from, to unitpath.Path) (left, joined unitpath.Path) {
	for _, u := range from {
		if !to.Contains(u) {
			left = append(left, u)
		}
	}
	for _, u := range to {
		if !from.Contains(u) {
			joined = append(joined, u)
		}
	}
	return left, joined
}

// keyRow is one row of member_keys.
type keyRow struct {
	unit, term, sortKey string
	rid                 int64
}

// appendKeyRows appends the keys of m, stored at rid.
func appendKeyRows(rows []keyRow, m *members.Member, rid int64) []keyRow {
	key := m.SortKey()
	for _, k := range m.SearchKeys() {
		rows = append(rows, keyRow{k.Unit, k.Term, key, rid})
	}
	return rows
}

// loadKeyRows inserts the keys of a bulk load in primary-key order, a
// thousand rows a statement: a batch's keys land in ascending leaves of
// member_keys, each read and written once, instead of thirty random places
// per member.
func loadKeyRows(ctx context.Context, tx *sql.Tx, rows []keyRow) error {
	slices.SortFunc(rows, func(a, b keyRow) int {
		return cmp.Or(strings.Compare(a.unit, b.unit), strings.Compare(a.term, b.term), strings.Compare(a.sortKey, b.sortKey))
	})
	ins, err := tx.PrepareContext(ctx, `INSERT INTO member_keys(unit, term, sort_key, rid)
		SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for len(rows) > 0 {
		n := min(len(rows), 1000)
		chunk := make([][4]any, n)
		for i, r := range rows[:n] {
			chunk[i] = [4]any{r.unit, r.term, r.sortKey, r.rid}
		}
		j, err := json.Marshal(chunk)
		if err != nil {
			return err
		}
		if _, err := ins.ExecContext(ctx, string(j)); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}
