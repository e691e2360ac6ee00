package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

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

// awardsTable reads the awards (dated.go).
var awardsTable = dated[scholarships.Award]{table: "awards", kind: "award",
	setPath: func(a *scholarships.Award, p unitpath.Path) { a.Path = p }, listKey: scholarships.ListKey}

// GetAward implements scholarships.Store.
func (db *DB) GetAward(ctx context.Context, id string) (_ *scholarships.Award, err error) {
	defer errs.Wrap(&err, "sqlite: GetAward %s", id)
	return awardsTable.get(ctx, db, id)
}

// AwardsAt implements scholarships.Store.
func (db *DB) AwardsAt(ctx context.Context, unitID string, to civil.Date) (_ []*scholarships.Award, err error) {
	defer errs.Wrap(&err, "sqlite: AwardsAt %s", unitID)
	return awardsTable.at(ctx, db, unitID, to)
}

// ListAwards implements scholarships.Store.
func (db *DB) ListAwards(ctx context.Context, top unitpath.Path, from, to civil.Date, p page.Request) (_ page.Result[*scholarships.Award], err error) {
	defer errs.Wrap(&err, "sqlite: ListAwards %v", top)
	return awardsTable.list(ctx, db, top, from, to, p)
}
