package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"

	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// member_moves holds every period of every member twice, under its
// first and under its last day, with what a tally counts of the member:
// the movements from which any past day is a kept month end plus a month
// (internal/rollups/movements.go), read without touching the members.
// Triggers keep it in the same statement as the member's write, so it is
// derived from the facts and can never disagree with them: a back-dated
// change or a correction rewrites the member's rows, and writes that
// change nothing counted (a phone number) touch nothing.
const memberMovesMigration = `
CREATE TABLE member_moves (
	day          TEXT NOT NULL,    -- the period's first or last day
	branch_id    TEXT NOT NULL,
	member_rowid INTEGER NOT NULL,
	period       INTEGER NOT NULL, -- its index in the member's stints
	from_day     TEXT NOT NULL,
	to_day       TEXT NOT NULL,    -- '' while open
	started_by   TEXT NOT NULL,
	ended_by     TEXT NOT NULL,
	gender       TEXT NOT NULL,
	birth_year   INTEGER NOT NULL, -- 0: not recorded
	joined_year  INTEGER NOT NULL,
	PRIMARY KEY (day, branch_id, member_rowid, period)
) STRICT, WITHOUT ROWID;
-- a branch's earliest period (BranchStarts)
CREATE INDEX member_moves_branch ON member_moves(branch_id, day);
CREATE TRIGGER member_moves_insert AFTER INSERT ON members BEGIN
	INSERT OR IGNORE INTO member_moves(day, branch_id, member_rowid, period, from_day, to_day, started_by, ended_by, gender, birth_year, joined_year)
		SELECT * FROM (SELECT json_extract(j.value, '$.' || e.side) AS d, json_extract(j.value, '$.branchId') AS b, new.rowid AS r, j.key AS k,
			json_extract(j.value, '$.from') AS f, coalesce(json_extract(j.value, '$.to'), '') AS t,
			json_extract(j.value, '$.startedBy') AS sb, coalesce(json_extract(j.value, '$.endedBy'), '') AS eb,
			new.gender AS g, CAST(substr(new.birth_date, 1, 4) AS INTEGER) AS byr, CAST(substr(new.joined_on, 1, 4) AS INTEGER) AS jy
			FROM json_each(new.stints) j, (SELECT 'from' AS side UNION ALL SELECT 'to') e)
		WHERE d IS NOT NULL AND d != '';
END;
CREATE TRIGGER member_moves_update AFTER UPDATE OF stints, gender, birth_date, joined_on ON members
	WHEN old.stints IS NOT new.stints OR old.gender IS NOT new.gender OR old.birth_date IS NOT new.birth_date OR old.joined_on IS NOT new.joined_on BEGIN
	DELETE FROM member_moves WHERE (day, branch_id, member_rowid) IN (
		SELECT json_extract(j.value, '$.' || e.side), json_extract(j.value, '$.branchId'), old.rowid
		FROM json_each(old.stints) j, (SELECT 'from' AS side UNION ALL SELECT 'to') e);
	INSERT OR IGNORE INTO member_moves(day, branch_id, member_rowid, period, from_day, to_day, started_by, ended_by, gender, birth_year, joined_year)
		SELECT * FROM (SELECT json_extract(j.value, '$.' || e.side) AS d, json_extract(j.value, '$.branchId') AS b, new.rowid AS r, j.key AS k,
			json_extract(j.value, '$.from') AS f, coalesce(json_extract(j.value, '$.to'), '') AS t,
			json_extract(j.value, '$.startedBy') AS sb, coalesce(json_extract(j.value, '$.endedBy'), '') AS eb,
			new.gender AS g, CAST(substr(new.birth_date, 1, 4) AS INTEGER) AS byr, CAST(substr(new.joined_on, 1, 4) AS INTEGER) AS jy
			FROM json_each(new.stints) j, (SELECT 'from' AS side UNION ALL SELECT 'to') e)
		WHERE d IS NOT NULL AND d != '';
END;
CREATE TRIGGER member_moves_delete AFTER DELETE ON members BEGIN
	DELETE FROM member_moves WHERE (day, branch_id, member_rowid) IN (
		SELECT json_extract(j.value, '$.' || e.side), json_extract(j.value, '$.branchId'), old.rowid
		FROM json_each(old.stints) j, (SELECT 'from' AS side UNION ALL SELECT 'to') e);
END;
INSERT OR IGNORE INTO member_moves(day, branch_id, member_rowid, period, from_day, to_day, started_by, ended_by, gender, birth_year, joined_year)
	SELECT * FROM (SELECT json_extract(j.value, '$.' || e.side) AS d, json_extract(j.value, '$.branchId') AS b, m.rowid AS r, j.key AS k,
			json_extract(j.value, '$.from') AS f, coalesce(json_extract(j.value, '$.to'), '') AS t,
			json_extract(j.value, '$.startedBy') AS sb, coalesce(json_extract(j.value, '$.endedBy'), '') AS eb,
			m.gender AS g, CAST(substr(m.birth_date, 1, 4) AS INTEGER) AS byr, CAST(substr(m.joined_on, 1, 4) AS INTEGER) AS jy
		FROM members m, json_each(m.stints) j, (SELECT 'from' AS side UNION ALL SELECT 'to') e)
	WHERE d IS NOT NULL AND d != '';
`

var _ rollups.MovementStore = (*DB)(nil)

// subtreeRange is the range of paths of a unit's subtree: '/…/id/' up
// to '/…/id0' ('0' follows '/'), so that units_path serves it.
func (db *DB) subtreeRange(ctx context.Context, unitID string) (lo, hi string, err error) {
	err = db.reads(ctx).QueryRowContext(ctx, `SELECT path FROM units WHERE id = ?`, unitID).Scan(&lo)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", notFound("unit", unitID)
	}
	if err != nil {
		return "", "", err
	}
	return lo, lo[:len(lo)-1] + "0", nil
}

// MovedBetween implements rollups.MovementStore: a range of member_moves
// by day, kept when the period's branch is in the subtree; a period that
// began and ended in the window comes once.
func (db *DB) MovedBetween(ctx context.Context, unit unitpath.Path, after, upTo string) (_ *rollups.Moves, err error) {
	unitID := unit.Unit()
	defer errs.Wrap(&err, "sqlite: MovedBetween %s", unitID)
	lo, hi, err := db.subtreeRange(ctx, unitID)
	if err != nil {
		return nil, err
	}
	rows, err := db.reads(ctx).QueryContext(ctx, `SELECT mv.member_rowid, mv.period, mv.branch_id, u.path, mv.from_day, mv.to_day,
			mv.started_by, mv.ended_by, mv.gender, mv.birth_year, mv.joined_year
		FROM member_moves mv CROSS JOIN units u ON u.id = mv.branch_id
		WHERE mv.day > ? AND mv.day <= ? AND u.path >= ? AND u.path < ?`, after, upTo, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type key struct{ rowid, period int64 }
	seen := map[key]bool{}
	paths := map[string][]string{}
	out := &rollups.Moves{}
	for rows.Next() {
		var k key
		var p rollups.MovedPeriod
		var path, from, to string
		if err := rows.Scan(&k.rowid, &k.period, &p.Stint.BranchID, &path, &from, &to, &p.Stint.StartedBy, &p.Stint.EndedBy,
			&p.Gender, &p.BirthYear, &p.JoinYear); err != nil {
			return nil, err
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		if p.Path = paths[p.Stint.BranchID]; p.Path == nil {
			p.Path = unitpath.ParseKey(path)
			paths[p.Stint.BranchID] = p.Path
		}
		p.Stint.From, p.Stint.To = dateOf(from), dateOf(to)
		out.Periods = append(out.Periods, p)
	}
	return out, rows.Err()
}

// BranchStarts implements rollups.MovementStore: the branches of the
// subtree with a period that began in the window and none on or before
// its start (member_moves_branch, one seek each), and those created in
// the window give or take a day (a path range of units).
func (db *DB) BranchStarts(ctx context.Context, unit unitpath.Path, after, upTo string) (_ []rollups.BranchStart, err error) {
	unitID := unit.Unit()
	defer errs.Wrap(&err, "sqlite: BranchStarts %s", unitID)
	lo, hi, err := db.subtreeRange(ctx, unitID)
	if err != nil {
		return nil, err
	}
	from, until, err := rollups.CreatedWindow(after, upTo)
	if err != nil {
		return nil, err
	}
	rows, err := db.reads(ctx).QueryContext(ctx, `SELECT `+unitCols+`, coalesce((SELECT min(day) FROM member_moves f WHERE f.branch_id = units.id), '')
		FROM units WHERE id IN (
			SELECT b FROM (SELECT DISTINCT mv.branch_id AS b FROM member_moves mv WHERE mv.day > ? AND mv.day <= ? AND mv.day = mv.from_day)
				WHERE NOT EXISTS (SELECT 1 FROM member_moves p WHERE p.branch_id = b AND p.day <= ?)
			UNION SELECT id FROM units WHERE path >= ? AND path < ? AND created_at >= ? AND created_at < ?)
		AND path >= ? AND path < ? AND level = ?`,
		after, upTo, after, lo, hi, nanos(from), nanos(until), lo, hi, units.Branch)
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

// branchPeriodsIndex answers BranchPeriods from the index alone. Through
// member_moves_branch each of a branch's periods was a lookup of its own
// in the table, whose key starts with the day, so on a large database
// nearly every period read a page of its own: under the issue-15 load with
// writes, the settler's branch recounts were a fifth of the server's CPU,
// most of it reading pages (pprof). Measured on 1 M members (sqlite3, 300
// branches, pages in the OS cache): 2.3-3.5 s through the table, 0.05-0.14
// s from this index. Partial: only the row under a period's first day.
const branchPeriodsIndex = `
CREATE INDEX member_moves_branch_periods ON member_moves(branch_id, from_day, to_day, started_by, ended_by, gender,
	birth_year, joined_year) WHERE day = from_day;
`

// branchPeriodsUncached reads a branch's periods straight from
// member_moves, as periodsCache does for a branch it reads whole: what the
// cache is checked against in the tests, and its way out should it meet
// more distinct texts than it codes.
func (db *DB) branchPeriodsUncached(ctx context.Context, branchID string) ([]rollups.MovedPeriod, error) {
	rows, err := db.reads(ctx).QueryContext(ctx, branchPeriodsSQL, branchID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []rollups.MovedPeriod
	for rows.Next() {
		p := rollups.MovedPeriod{Stint: members.Stint{BranchID: branchID}}
		var member int64
		var from, to string
		if err := rows.Scan(&member, &from, &to, &p.Stint.StartedBy, &p.Stint.EndedBy, &p.Gender, &p.BirthYear, &p.JoinYear); err != nil {
			return nil, err
		}
		p.Stint.From, p.Stint.To = dateOf(from), dateOf(to)
		out = append(out, p)
	}
	return out, rows.Err()
}
