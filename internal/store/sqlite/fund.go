package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// fundSchema keeps the ledgers, append-only: one row per entry, its rules
// as unique indexes (a receipt once per unit, year and direction; an entry
// reversed once), the entry itself as JSON (the path column overrides
// the JSON's, as RewritePaths changes it).
const fundSchema = `
CREATE TABLE fund_entries (
	id          TEXT PRIMARY KEY,
	unit_id     TEXT NOT NULL,
	path        TEXT NOT NULL,
	date        TEXT NOT NULL,
	receipt_key TEXT NOT NULL, -- fund.ReceiptKey
	reverses    TEXT NOT NULL,
	list_key    TEXT NOT NULL, -- fund.ListKey
	doc         TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX fund_entries_receipt ON fund_entries(receipt_key) WHERE receipt_key <> '';
CREATE UNIQUE INDEX fund_entries_reverses ON fund_entries(reverses) WHERE reverses <> '';
CREATE INDEX fund_entries_unit ON fund_entries(unit_id, list_key);
CREATE INDEX fund_entries_path ON fund_entries(path, list_key);
`

// AddEntry implements fund.Store.
func (db *DB) AddEntry(ctx context.Context, e *fund.Entry) (err error) {
	defer errs.Wrap(&err, "sqlite: AddEntry %s", e.ID)
	doc, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO fund_entries(id, unit_id, path, date, receipt_key, reverses, list_key, doc) VALUES (?,?,?,?,?,?,?,?)`,
			e.ID, e.UnitID, e.Path.Key(), e.Date.String(), fund.ReceiptKey(e), e.Reverses, fund.ListKey(e), string(doc))
		if isUnique(err) {
			return errs.E(errs.Conflict, "entry %s: its id, its receipt number %q (in its unit, year and direction) or the entry it reverses is taken", e.ID, e.Receipt)
		}
		return err
	})
}

// fundEntries reads the ledger (dated.go).
var fundEntries = dated[fund.Entry]{table: "fund_entries", kind: "fund entry",
	setPath: func(e *fund.Entry, p unitpath.Path) { e.Path = p }, listKey: fund.ListKey}

// GetEntry implements fund.Store.
func (db *DB) GetEntry(ctx context.Context, id string) (_ *fund.Entry, err error) {
	defer errs.Wrap(&err, "sqlite: GetEntry %s", id)
	return fundEntries.get(ctx, db, id)
}

// EntriesAt implements fund.Store.
func (db *DB) EntriesAt(ctx context.Context, unitID string, to civil.Date) (_ []*fund.Entry, err error) {
	defer errs.Wrap(&err, "sqlite: EntriesAt %s", unitID)
	return fundEntries.at(ctx, db, unitID, to)
}

// ListEntries implements fund.Store.
func (db *DB) ListEntries(ctx context.Context, top unitpath.Path, from, to civil.Date, p page.Request) (_ page.Result[*fund.Entry], err error) {
	defer errs.Wrap(&err, "sqlite: ListEntries %v", top)
	return fundEntries.list(ctx, db, top, from, to, p)
}

// upTo is the list key above every key dated on or before to (the zero
// day: above every key). Keys are "YYYY-MM-DD|id"; '~' sorts after every
// character of an id.
func upTo(to civil.Date) string {
	if to.IsZero() {
		return "~"
	}
	return to.String() + "|~"
}
