package sqlite

import (
	"context"
	"database/sql"
	"time"
)

// branchChangesSchema logs which member's periods in which branch
// changed, in commit order, so that a branch's periods read before
// (periodsCache) are brought up to date by reading only the members that
// changed since. Triggers on member_moves write it in the same statement
// as the member's write, from any process that writes the file (a CLI
// beside the server included), so the log cannot miss a change. One row
// per period's row under its first day (every period has exactly one);
// a change of a period deletes and inserts it, two rows.
//
// AUTOINCREMENT: a number is never handed out twice, even after the rows
// above it are pruned, so "every change after seq" stays well defined.
// The floor is the last seq pruned: a reader whose copy is older than
// it cannot know what it missed and reads the branch whole.
//
// The index of a branch's periods gains member_rowid (and replaces 0030's)
// so that the periods of the members that changed are one seek each.
const branchChangesSchema = `
CREATE TABLE branch_changes (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	branch_id    TEXT NOT NULL,
	member_rowid INTEGER NOT NULL
) STRICT;
CREATE INDEX branch_changes_branch ON branch_changes(branch_id, seq);
CREATE TABLE branch_changes_floor (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL) STRICT;
INSERT INTO branch_changes_floor(id, seq) VALUES (1, 0);
CREATE TRIGGER member_moves_log_insert AFTER INSERT ON member_moves WHEN new.day = new.from_day BEGIN
	INSERT INTO branch_changes(branch_id, member_rowid) VALUES (new.branch_id, new.member_rowid);
END;
CREATE TRIGGER member_moves_log_delete AFTER DELETE ON member_moves WHEN old.day = old.from_day BEGIN
	INSERT INTO branch_changes(branch_id, member_rowid) VALUES (old.branch_id, old.member_rowid);
END;
DROP INDEX member_moves_branch_periods;
CREATE INDEX member_moves_branch_member_periods ON member_moves(branch_id, member_rowid, from_day, to_day, started_by,
	ended_by, gender, birth_year, joined_year) WHERE day = from_day;
`

// The log is kept to its last keepBranchChanges rows; older rows are
// pruned at most pruneBranchChangesRows at a time (a short pause of the
// writer), every pruneBranchChangesEvery. A cached branch older than the
// floor is read whole again: 2-3 ms on a branch of 600 members.
const (
	keepBranchChanges       = 200_000
	pruneBranchChangesRows  = 10_000
	pruneBranchChangesEvery = 2 * time.Second
)

// pruneBranchChanges deletes the oldest rows of the log beyond what it
// keeps, and raises the floor to the last one deleted, in one transaction
// on the writer (called by the writer loop between groups).
func pruneBranchChanges(ctx context.Context, tx *sql.Tx) error {
	return pruneBranchChangesTo(ctx, tx, keepBranchChanges, pruneBranchChangesRows)
}

// pruneBranchChangesTo keeps the last keep rows, deleting at most rows.
func pruneBranchChangesTo(ctx context.Context, tx *sql.Tx, keep, rows int64) error {
	var lo, hi sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT min(seq), max(seq) FROM branch_changes`).Scan(&lo, &hi); err != nil {
		return err
	}
	if !lo.Valid {
		return nil
	}
	upTo := min(lo.Int64+rows-1, hi.Int64-keep)
	if upTo < lo.Int64 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM branch_changes WHERE seq <= ?`, upTo); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE branch_changes_floor SET seq = max(seq, ?) WHERE id = 1`, upTo)
	return err
}
