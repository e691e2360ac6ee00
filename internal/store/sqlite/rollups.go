package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// BranchEveryone implements rollups.Store. It reads only what a tally
// counts (and the name): it runs on every write to the branch.
func (db *DB) BranchEveryone(ctx context.Context, branch unitpath.Path) (_ []*members.Member, err error) {
	branchID := branch.Unit()
	defer errs.Wrap(&err, "sqlite: BranchEveryone %s", branchID)
	rows, err := db.reads(ctx).QueryContext(ctx, `SELECT m.id, m.full_name, m.gender, m.birth_date, m.joined_on, m.status, m.stints
		FROM member_branches b CROSS JOIN members m ON m.rowid = b.member_rowid WHERE b.branch_id = ?`, branchID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*members.Member
	for rows.Next() {
		var m members.Member
		var birth, joined, stints string
		if err := rows.Scan(&m.ID, &m.FullName, &m.Gender, &birth, &joined, &m.Status, &stints); err != nil {
			return nil, err
		}
		m.BirthDate, m.JoinedOn = dateOf(birth), dateOf(joined)
		if err := json.Unmarshal([]byte(stints), &m.Stints); err != nil {
			return nil, err
		}
		out = append(out, &m)
	}
	return out, rows.Err()
}

// TakeTickets implements rollups.Store: one transaction for them all.
func (db *DB) TakeTickets(ctx context.Context, tickets []rollups.TicketFor) (_ []int64, err error) {
	defer errs.Wrap(&err, "sqlite: TakeTickets")
	out := make([]int64, len(tickets))
	err = db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for i, t := range tickets {
			if err := tx.QueryRowContext(ctx, `INSERT INTO counters(unit_id, day, path, bump) VALUES (?, ?, ?, 1)
				ON CONFLICT(unit_id, day) DO UPDATE SET bump = max(bump, ticket) + 1, path = excluded.path RETURNING bump`,
				t.UnitID, t.Day, t.Path.Key()).Scan(&out[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func tallyJSON(t *rollups.Tally) (string, error) {
	b, err := json.Marshal(t)
	return string(b), err
}

// PutCounters implements rollups.Store: one transaction for them all.
func (db *DB) PutCounters(ctx context.Context, cs []*rollups.Counter) (_ int, err error) {
	defer errs.Wrap(&err, "sqlite: PutCounters")
	stored := 0
	err = db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		stored = 0
		for _, c := range cs {
			tally, err := tallyJSON(&c.Tally)
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `UPDATE counters SET parent_id = ?, path = ?, ticket = ?, tally = ?
				WHERE unit_id = ? AND day = ? AND ticket < ?`, c.ParentID, c.Path.Key(), c.Ticket, tally, c.UnitID, c.Day, c.Ticket)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			stored += int(n)
		}
		return nil
	})
	return stored, err
}

// ReplaceCounter implements rollups.Store.
func (db *DB) ReplaceCounter(ctx context.Context, c *rollups.Counter) (err error) {
	defer errs.Wrap(&err, "sqlite: ReplaceCounter %s", c.UnitID)
	tally, err := tallyJSON(&c.Tally)
	if err != nil {
		return err
	}
	_, err = db.write.ExecContext(ctx, `INSERT INTO counters(unit_id, day, parent_id, path, bump, ticket, tally) VALUES (?,?,?,?,?,?,?)
		ON CONFLICT(unit_id, day) DO UPDATE SET parent_id = excluded.parent_id, path = excluded.path,
		ticket = excluded.ticket, tally = excluded.tally, bump = max(bump, excluded.ticket)`,
		c.UnitID, c.Day, c.ParentID, c.Path.Key(), c.Ticket, c.Ticket, tally)
	db.tallies.forget(c.UnitID, c.Day)
	return err
}

// GetCounter implements rollups.Store.
func (db *DB) GetCounter(ctx context.Context, path unitpath.Path, day string) (_ *rollups.Counter, err error) {
	unitID := path.Unit() // one store: no province to find
	defer errs.Wrap(&err, "sqlite: GetCounter %s", unitID)
	cs, err := db.counters(ctx, `unit_id = ? AND day = ? AND `+hasTally, unitID, day)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, errs.E(errs.NotFound, "no tally of unit %s for %q", unitID, day)
	}
	return cs[0], nil
}

// hasTally selects the counters that hold a tally by its length, which
// SQLite reads without the text or its overflow pages (see
// counters_rowid.go); GetCounter too reads a tally only when the tally
// cache does not hold it under its ticket (counters).
const hasTally = `octet_length(tally) IS NOT NULL`

// counters reads the counters a query selects in two steps: their keys,
// tickets and the length of their tallies first (octet_length reads no
// overflow page), then the text of each tally the cache does not know
// under that ticket (tallyCache.known), one by one: after a recount, a
// few. A counter whose tally is gone (NULL) by the second step is left
// out, as the first would have.
func (db *DB) counters(ctx context.Context, query string, args ...any) ([]*rollups.Counter, error) {
	rows, err := db.reads(ctx).QueryContext(ctx, `SELECT unit_id, day, parent_id, path, ticket, octet_length(tally)
		FROM counters WHERE `+query, args...)
	if err != nil {
		return nil, err
	}
	var all, unknown []*rollups.Counter
	for rows.Next() {
		var c rollups.Counter
		var path string
		var length int
		if err := rows.Scan(&c.UnitID, &c.Day, &c.ParentID, &path, &c.Ticket, &length); err != nil {
			rows.Close()
			return nil, err
		}
		c.Path = unitpath.ParseKey(path)
		var ok bool
		if c.Tally, ok = db.tallies.known(c.UnitID, c.Day, c.Ticket, length); !ok {
			unknown = append(unknown, &c)
		}
		all = append(all, &c)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	gone := map[*rollups.Counter]bool{}
	for _, c := range unknown {
		var tally string
		err := db.reads(ctx).QueryRowContext(ctx, `SELECT ticket, tally FROM counters WHERE unit_id = ? AND day = ? AND tally IS NOT NULL`,
			c.UnitID, c.Day).Scan(&c.Ticket, &tally)
		if errors.Is(err, sql.ErrNoRows) {
			gone[c] = true
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := db.tallies.decodeAt(c.UnitID, c.Day, c.Ticket, tally, &c.Tally); err != nil {
			return nil, err
		}
	}
	if len(gone) > 0 {
		all = slices.DeleteFunc(all, func(c *rollups.Counter) bool { return gone[c] })
	}
	return all, nil
}

// ChildCounters implements rollups.Store.
func (db *DB) ChildCounters(ctx context.Context, parent unitpath.Path, day string) (_ []*rollups.Counter, err error) {
	parentID := parent.Unit()
	defer errs.Wrap(&err, "sqlite: ChildCounters %s", parentID)
	return db.counters(ctx, `parent_id = ? AND day = ? AND `+hasTally, parentID, day)
}

// subtree is the path range of a unit's subtree, or ok=false when the
// unit does not exist.
func (db *DB) subtree(ctx context.Context, unitID string) (lo, hi string, ok bool, err error) {
	err = db.reads(ctx).QueryRowContext(ctx, `SELECT path FROM units WHERE id = ?`, unitID).Scan(&lo)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	}
	return lo, lo + "\x7f", err == nil, err
}

// DeleteCounters implements rollups.Store. The subtree's range is read
// from units, as before paths were passed: the one query plan it had.
func (db *DB) DeleteCounters(ctx context.Context, path unitpath.Path, day string) (err error) {
	unitID := path.Unit()
	defer errs.Wrap(&err, "sqlite: DeleteCounters %s", unitID)
	lo, hi, ok, err := db.subtree(ctx, unitID)
	if err != nil || !ok {
		return err
	}
	_, err = db.write.ExecContext(ctx, `UPDATE counters SET tally = NULL, ticket = max(bump, ticket)
		WHERE day = ? AND path >= ? AND path < ?`, day, lo, hi)
	return err
}

// MarkStale implements rollups.Store: one multi-row upsert per
// markRows marks (one statement for any single change), each row
// returning its new generation.
func (db *DB) MarkStale(ctx context.Context, marks []rollups.Mark) (_ []rollups.Mark, err error) {
	defer errs.Wrap(&err, "sqlite: MarkStale")
	if len(marks) == 0 {
		return nil, nil
	}
	gens := make(map[[3]string]int64, len(marks))
	err = db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for chunk := range slices.Chunk(marks, markRows) {
			args := make([]any, 0, 5*len(chunk))
			for _, m := range chunk {
				args = append(args, m.UnitID, m.DayField(), m.Change, m.Path.Key(), m.Stored)
			}
			rows, err := tx.QueryContext(ctx, `INSERT INTO stale_marks(unit_id, day, change_id, path, stored, gen) VALUES `+
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, 1), ", len(chunk)), ", ")+`
				ON CONFLICT(unit_id, day, change_id) DO UPDATE SET gen = gen + 1, path = excluded.path, stored = excluded.stored
				RETURNING unit_id, day, change_id, gen`, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var k [3]string
				var gen int64
				if err := rows.Scan(&k[0], &k[1], &k[2], &gen); err != nil {
					rows.Close()
					return err
				}
				gens[k] = max(gens[k], gen)
			}
			if err := rows.Err(); err != nil {
				rows.Close()
				return err
			}
			if err := rows.Close(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]rollups.Mark, len(marks))
	for i, m := range marks {
		out[i] = m
		out[i].Gen = gens[[3]string{m.UnitID, m.DayField(), m.Change}]
	}
	return out, nil
}

// markRows bounds one marking statement's rows (five variables each,
// far below SQLite's limit of 32,766; a change marks one or two units).
const markRows = 1000

// ClearMarks implements rollups.Store: one transaction for them all.
func (db *DB) ClearMarks(ctx context.Context, marks []rollups.Mark) (err error) {
	defer errs.Wrap(&err, "sqlite: ClearMarks")
	if len(marks) == 0 {
		return nil
	}
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, m := range marks {
			if _, err := tx.ExecContext(ctx, `DELETE FROM stale_marks WHERE unit_id = ? AND day = ? AND change_id = ? AND gen = ?`,
				m.UnitID, m.DayField(), m.Change, m.Gen); err != nil {
				return err
			}
		}
		return nil
	})
}

// MarksUnder implements rollups.Store.
func (db *DB) MarksUnder(ctx context.Context, path unitpath.Path, day string) (_ []rollups.Mark, err error) {
	unitID := path.Unit()
	defer errs.Wrap(&err, "sqlite: MarksUnder %s", unitID)
	rows, err := db.marksUnder(ctx, unitID, day, "")
	if err != nil || rows == nil {
		return nil, err
	}
	defer rows.Close()
	var out []rollups.Mark
	for rows.Next() {
		var m rollups.Mark
		var path, day string
		if err := rows.Scan(&m.UnitID, &day, &m.Change, &path, &m.Gen, &m.Stored); err != nil {
			return nil, err
		}
		m.Path = unitpath.ParseKey(path)
		m.SetDayField(day)
		out = append(out, m)
	}
	return out, rows.Err()
}

// AnyMarkUnder implements rollups.Store.
func (db *DB) AnyMarkUnder(ctx context.Context, path unitpath.Path, day string) (_ bool, err error) {
	unitID := path.Unit()
	defer errs.Wrap(&err, "sqlite: AnyMarkUnder %s", unitID)
	rows, err := db.marksUnder(ctx, unitID, day, " LIMIT 1")
	if err != nil || rows == nil {
		return false, err
	}
	defer rows.Close()
	return rows.Next(), rows.Err()
}

// marksUnder queries the marks on a subtree that cover a day (nil rows
// when the unit does not exist): the marks of the day, and the onward
// ones from it or before (every onward one for the live tally), two
// ranges of the (day, path) index.
func (db *DB) marksUnder(ctx context.Context, unitID, day, limit string) (*sql.Rows, error) {
	lo, hi, ok, err := db.subtree(ctx, unitID)
	if err != nil || !ok {
		return nil, err
	}
	from, upTo := rollups.OnwardFields(day)
	return db.reads(ctx).QueryContext(ctx, `SELECT unit_id, day, change_id, path, gen, stored FROM stale_marks
		WHERE (day = ? AND path >= ? AND path < ?) OR (day >= ? AND day <= ? AND path >= ? AND path < ?)`+limit,
		day, lo, hi, from, upTo, lo, hi)
}

// SnapshotDays implements rollups.Store.
func (db *DB) SnapshotDays(ctx context.Context) (_ []string, err error) {
	defer errs.Wrap(&err, "sqlite: SnapshotDays")
	rows, err := db.reads(ctx).QueryContext(ctx, `SELECT day FROM snapshot_days ORDER BY day`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// AddSnapshotDay implements rollups.Store.
func (db *DB) AddSnapshotDay(ctx context.Context, day string) (err error) {
	defer errs.Wrap(&err, "sqlite: AddSnapshotDay %s", day)
	_, err = db.write.ExecContext(ctx, `INSERT OR IGNORE INTO snapshot_days(day) VALUES (?)`, day)
	return err
}
