package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/units"
)

// member_moves indexes every period of every member by its first and its
// last day, with the period's branch: the movements from which any past
// day is a kept month end plus a month (internal/rollups/movements.go).
// Triggers keep it in the same statement as the member's write, so it is
// derived from the facts and can never disagree with them: a back-dated
// change or a correction rewrites the member's rows, and writes that
// leave the periods as they were (a phone number) touch nothing.
const memberMovesMigration = `
CREATE TABLE member_moves (
	day          TEXT NOT NULL,
	branch_id    TEXT NOT NULL,
	member_rowid INTEGER NOT NULL,
	PRIMARY KEY (day, branch_id, member_rowid)
) STRICT, WITHOUT ROWID;
-- a branch's earliest period (BranchStarts)
CREATE INDEX member_moves_branch ON member_moves(branch_id, day);
CREATE TRIGGER member_moves_insert AFTER INSERT ON members BEGIN
	INSERT OR IGNORE INTO member_moves(day, branch_id, member_rowid)
		SELECT d, b, new.rowid FROM (
			SELECT json_extract(j.value, '$.from') AS d, json_extract(j.value, '$.branchId') AS b FROM json_each(new.stints) j
			UNION SELECT json_extract(j.value, '$.to'), json_extract(j.value, '$.branchId') FROM json_each(new.stints) j)
		WHERE d IS NOT NULL AND d != '';
END;
CREATE TRIGGER member_moves_update AFTER UPDATE OF stints ON members WHEN old.stints IS NOT new.stints BEGIN
	DELETE FROM member_moves WHERE member_rowid = old.rowid AND (day, branch_id) IN (
		SELECT json_extract(j.value, '$.from'), json_extract(j.value, '$.branchId') FROM json_each(old.stints) j
		UNION SELECT json_extract(j.value, '$.to'), json_extract(j.value, '$.branchId') FROM json_each(old.stints) j);
	INSERT OR IGNORE INTO member_moves(day, branch_id, member_rowid)
		SELECT d, b, new.rowid FROM (
			SELECT json_extract(j.value, '$.from') AS d, json_extract(j.value, '$.branchId') AS b FROM json_each(new.stints) j
			UNION SELECT json_extract(j.value, '$.to'), json_extract(j.value, '$.branchId') FROM json_each(new.stints) j)
		WHERE d IS NOT NULL AND d != '';
END;
CREATE TRIGGER member_moves_delete AFTER DELETE ON members BEGIN
	DELETE FROM member_moves WHERE member_rowid = old.rowid AND (day, branch_id) IN (
		SELECT json_extract(j.value, '$.from'), json_extract(j.value, '$.branchId') FROM json_each(old.stints) j
		UNION SELECT json_extract(j.value, '$.to'), json_extract(j.value, '$.branchId') FROM json_each(old.stints) j);
END;
INSERT OR IGNORE INTO member_moves(day, branch_id, member_rowid)
	SELECT d, b, r FROM (
		SELECT json_extract(j.value, '$.from') AS d, json_extract(j.value, '$.branchId') AS b, m.rowid AS r FROM members m, json_each(m.stints) j
		UNION SELECT json_extract(j.value, '$.to'), json_extract(j.value, '$.branchId'), m.rowid FROM members m, json_each(m.stints) j)
	WHERE d IS NOT NULL AND d != '';
`

var _ rollups.MovementStore = (*DB)(nil)

// subtreeRange is the range of paths of a unit's subtree: '/…/id/' up
// to '/…/id0' ('0' follows '/'), so that units_path serves it.
func (db *DB) subtreeRange(ctx context.Context, unitID string) (lo, hi string, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT path FROM units WHERE id = ?`, unitID).Scan(&lo)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", notFound("unit", unitID)
	}
	if err != nil {
		return "", "", err
	}
	return lo, lo[:len(lo)-1] + "0", nil
}

// MovedBetween implements rollups.MovementStore: a range of member_moves
// by day, kept when the period's branch is in the subtree.
func (db *DB) MovedBetween(ctx context.Context, unitID, after, upTo string) (*rollups.Moves, error) {
	lo, hi, err := db.subtreeRange(ctx, unitID)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT m.id, m.full_name, m.gender, m.birth_date, m.joined_on, m.status, m.stints, u.id, u.path
		FROM member_moves mv CROSS JOIN units u ON u.id = mv.branch_id CROSS JOIN members m ON m.rowid = mv.member_rowid
		WHERE mv.day > ? AND mv.day <= ? AND u.path >= ? AND u.path < ?`, after, upTo, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := &rollups.Moves{Paths: map[string][]string{}}
	seen := map[string]bool{}
	for rows.Next() {
		var m members.Member
		var birth, joined, stints, branch, path string
		if err := rows.Scan(&m.ID, &m.FullName, &m.Gender, &birth, &joined, &m.Status, &stints, &branch, &path); err != nil {
			return nil, err
		}
		if _, ok := out.Paths[branch]; !ok {
			out.Paths[branch] = splitPath(path)
		}
		if seen[m.ID] {
			continue
		}
		seen[m.ID] = true
		m.BirthDate, m.JoinedOn = dateOf(birth), dateOf(joined)
		if err := json.Unmarshal([]byte(stints), &m.Stints); err != nil {
			return nil, err
		}
		out.Members = append(out.Members, &m)
	}
	return out, rows.Err()
}

// BranchStarts implements rollups.MovementStore: the subtree's branches by
// units_path, each with one seek of member_moves_branch.
func (db *DB) BranchStarts(ctx context.Context, unitID string) ([]rollups.BranchStart, error) {
	lo, hi, err := db.subtreeRange(ctx, unitID)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+unitCols+`, coalesce((SELECT min(day) FROM member_moves mv WHERE mv.branch_id = units.id), '')
		FROM units WHERE path >= ? AND path < ? AND level = ?`, lo, hi, units.Branch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rollups.BranchStart
	for rows.Next() {
		var first string
		u, err := scanUnit(scanWith{rows, &first})
		if err != nil {
			return nil, err
		}
		out = append(out, rollups.BranchStart{Unit: u, FirstPeriod: first})
	}
	return out, rows.Err()
}

// scanWith scans a unit row followed by one more column.
type scanWith struct {
	rows  *sql.Rows
	extra *string
}

func (s scanWith) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra)...) }
