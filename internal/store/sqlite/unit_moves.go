package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// unitMovesSchema keeps the moves of units (units.MoveHistory, issue
// 18.5), and for each move a row per unit on either of its paths, so that
// the moves touching a subtree since a day are one indexed read.
const unitMovesSchema = `
CREATE TABLE unit_moves (id TEXT PRIMARY KEY, unit_id TEXT NOT NULL, from_path TEXT NOT NULL, to_path TEXT NOT NULL,
	day TEXT NOT NULL, at INTEGER NOT NULL) STRICT;
CREATE INDEX unit_moves_unit_day ON unit_moves(unit_id, day);
CREATE TABLE unit_move_touches (unit_id TEXT NOT NULL, day TEXT NOT NULL, move_id TEXT NOT NULL,
	PRIMARY KEY (unit_id, day, move_id)) STRICT, WITHOUT ROWID;
`

// RecordMove implements units.MoveHistory: one transaction, nothing if the
// move is recorded already.
func (db *DB) RecordMove(ctx context.Context, m *units.MoveRecord) (err error) {
	defer errs.Wrap(&err, "sqlite: RecordMove %s", m.ID)
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO unit_moves(id, unit_id, from_path, to_path, day, at) VALUES (?,?,?,?,?,?)
			ON CONFLICT(id) DO NOTHING`, m.ID, m.UnitID, m.From.Key(), m.To.Key(), m.Day.String(), nanos(m.At))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		touched := map[string]bool{}
		for _, id := range append(append(unitpath.Path{}, m.From...), m.To...) {
			if touched[id] {
				continue
			}
			touched[id] = true
			if _, err := tx.ExecContext(ctx, `INSERT INTO unit_move_touches(unit_id, day, move_id) VALUES (?,?,?)
				ON CONFLICT DO NOTHING`, id, m.Day.String(), m.ID); err != nil {
				return err
			}
		}
		return nil
	})
}

const moveCols = `m.id, m.unit_id, m.from_path, m.to_path, m.day, m.at`

// MovesSince implements units.MoveHistory.
func (db *DB) MovesSince(ctx context.Context, unitID string, after civil.Date) (_ []*units.MoveRecord, err error) {
	defer errs.Wrap(&err, "sqlite: MovesSince %s", unitID)
	return db.moves(ctx, `SELECT `+moveCols+` FROM unit_move_touches t JOIN unit_moves m ON m.id = t.move_id
		WHERE t.unit_id = ? AND t.day > ? ORDER BY m.day, m.at`, unitID, after.String())
}

// MovesOf implements units.MoveHistory.
func (db *DB) MovesOf(ctx context.Context, unitIDs []string, after civil.Date) (_ []*units.MoveRecord, err error) {
	defer errs.Wrap(&err, "sqlite: MovesOf %v", unitIDs)
	if len(unitIDs) == 0 {
		return nil, nil
	}
	args := []any{after.String()}
	for _, id := range unitIDs {
		args = append(args, id)
	}
	return db.moves(ctx, `SELECT `+moveCols+` FROM unit_moves m WHERE m.day > ? AND m.unit_id IN (?`+
		strings.Repeat(",?", len(unitIDs)-1)+`) ORDER BY m.day, m.at`, args...)
}

func (db *DB) moves(ctx context.Context, q string, args ...any) ([]*units.MoveRecord, error) {
	rows, err := db.reads(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*units.MoveRecord
	for rows.Next() {
		var m units.MoveRecord
		var from, to, day string
		var at int64
		if err := rows.Scan(&m.ID, &m.UnitID, &from, &to, &day, &at); err != nil {
			return nil, err
		}
		m.From, m.To, m.At = unitpath.ParseKey(from), unitpath.ParseKey(to), fromNanos(at)
		if m.Day, err = civil.Parse(day); err != nil {
			return nil, err
		}
		out = append(out, &m)
	}
	return out, rows.Err()
}
