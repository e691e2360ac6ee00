package mongo

import (
	"context"
	"encoding/json"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// A fund entry is one document, append-only; its rules are sparse unique
// indexes (receiptKey and reverses are absent when empty), the entry
// itself JSON, its path the truth (RewritePaths changes it).
type entryDoc struct {
	ID         string   `bson:"_id"`
	UnitID     string   `bson:"unitId"`
	Path       []string `bson:"path"`
	ReceiptKey string   `bson:"receiptKey,omitempty"` // fund.ReceiptKey
	Reverses   string   `bson:"reverses,omitempty"`
	ListKey    string   `bson:"listKey"` // fund.ListKey
	Doc        string   `bson:"doc"`
}

// AddEntry implements fund.Store.
func (db *DB) AddEntry(ctx context.Context, e *fund.Entry) (err error) {
	defer errs.Wrap(&err, "mongo: AddEntry %s", e.ID)
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	_, err = db.coll(collFund).InsertOne(ctx, entryDoc{ID: e.ID, UnitID: e.UnitID, Path: nonNil(e.Path), ReceiptKey: fund.ReceiptKey(e),
		Reverses: e.Reverses, ListKey: fund.ListKey(e), Doc: string(b)})
	if isDup(err) {
		return errs.E(errs.Conflict, "entry %s: its id, its receipt number %q (in its unit, year and direction) or the entry it reverses is taken", e.ID, e.Receipt)
	}
	return err
}

// fundEntries reads the ledger (dated.go).
var fundEntries = dated[fund.Entry]{coll: collFund, kind: "fund entry",
	setPath: func(e *fund.Entry, p unitpath.Path) { e.Path = p }, listKey: fund.ListKey}

// GetEntry implements fund.Store.
func (db *DB) GetEntry(ctx context.Context, id string) (_ *fund.Entry, err error) {
	defer errs.Wrap(&err, "mongo: GetEntry %s", id)
	return fundEntries.get(ctx, db, id)
}

// EntriesAt implements fund.Store.
func (db *DB) EntriesAt(ctx context.Context, unitID string, to civil.Date) (_ []*fund.Entry, err error) {
	defer errs.Wrap(&err, "mongo: EntriesAt %s", unitID)
	return fundEntries.at(ctx, db, unitID, to)
}

// ListEntries implements fund.Store.
func (db *DB) ListEntries(ctx context.Context, top unitpath.Path, from, to civil.Date, p page.Request) (_ page.Result[*fund.Entry], err error) {
	defer errs.Wrap(&err, "mongo: ListEntries %v", top)
	return fundEntries.list(ctx, db, top, from, to, p)
}
