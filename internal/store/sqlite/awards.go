package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/scholarships"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// awardsSchema keeps awards: one row each, a fund entry paying one award
// at most (a unique index), the award itself as JSON (the path column
// overrides the JSON's).
const awardsSchema = `
CREATE TABLE awards (
	id         TEXT PRIMARY KEY,
	unit_id    TEXT NOT NULL,
	path       TEXT NOT NULL,
	fund_entry TEXT NOT NULL,
	list_key   TEXT NOT NULL, -- scholarships.ListKey
	doc        TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX awards_fund_entry ON awards(fund_entry) WHERE fund_entry <> '';
CREATE INDEX awards_unit ON awards(unit_id, list_key);
CREATE INDEX awards_path ON awards(path, list_key);
`

// CreateAward implements scholarships.Store.
func (db *DB) CreateAward(ctx context.Context, a *scholarships.Award) (err error) {
	defer errs.Wrap(&err, "sqlite: CreateAward %s", a.ID)
	doc, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO awards(id, unit_id, path, fund_entry, list_key, doc) VALUES (?,?,?,?,?,?)`,
			a.ID, a.UnitID, a.Path.Key(), a.FundEntry, scholarships.ListKey(a), string(doc))
		if isUnique(err) {
			return errs.E(errs.Conflict, "award %s: its id is taken, or fund entry %s already paid another award", a.ID, a.FundEntry)
		}
		return err
	})
}

func scanAward(row interface{ Scan(...any) error }) (*scholarships.Award, error) {
	var path, doc string
	if err := row.Scan(&path, &doc); err != nil {
		return nil, err
	}
	a := &scholarships.Award{}
	if err := json.Unmarshal([]byte(doc), a); err != nil {
		return nil, err
	}
	a.Path = unitpath.ParseKey(path)
	return a, nil
}

// GetAward implements scholarships.Store.
func (db *DB) GetAward(ctx context.Context, id string) (_ *scholarships.Award, err error) {
	defer errs.Wrap(&err, "sqlite: GetAward %s", id)
	a, err := scanAward(db.reads(ctx).QueryRowContext(ctx, `SELECT path, doc FROM awards WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("award", id)
	}
	return a, err
}

// AwardsAt implements scholarships.Store.
func (db *DB) AwardsAt(ctx context.Context, unitID string, to civil.Date) (_ []*scholarships.Award, err error) {
	defer errs.Wrap(&err, "sqlite: AwardsAt %s", unitID)
	return queryAll(ctx, db.reads(ctx), scanAward, `SELECT path, doc FROM awards WHERE unit_id = ? AND list_key < ? ORDER BY list_key`, unitID, upTo(to))
}

// ListAwards implements scholarships.Store.
func (db *DB) ListAwards(ctx context.Context, top unitpath.Path, from, to civil.Date, p page.Request) (_ page.Result[*scholarships.Award], err error) {
	defer errs.Wrap(&err, "sqlite: ListAwards %v", top)
	var res page.Result[*scholarships.Award]
	k, err := page.Seek(p)
	if err != nil {
		return res, err
	}
	lo, hi := keyRange(top)
	items, err := queryAll(ctx, db.reads(ctx), scanAward, `SELECT path, doc FROM awards
		WHERE path >= ? AND path < ? AND list_key > ? AND list_key > ? AND list_key < ? ORDER BY list_key LIMIT ?`,
		lo, hi, from.String(), k.After, upTo(to), k.Fetch())
	if err != nil {
		return res, err
	}
	return page.Cut(k, items, func(i int) string { return scholarships.ListKey(items[i]) }), nil
}
