package mongo

import (
	"context"
	"encoding/json"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

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

func (d *entryDoc) entry() (*fund.Entry, error) {
	e := &fund.Entry{}
	if err := json.Unmarshal([]byte(d.Doc), e); err != nil {
		return nil, err
	}
	e.Path = unitpath.Path(d.Path)
	return e, nil
}

// GetEntry implements fund.Store.
func (db *DB) GetEntry(ctx context.Context, id string) (_ *fund.Entry, err error) {
	defer errs.Wrap(&err, "mongo: GetEntry %s", id)
	var d entryDoc
	err = db.coll(collFund).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if isNoDoc(err) {
		return nil, notFound("fund entry", id)
	}
	if err != nil {
		return nil, err
	}
	return d.entry()
}

// EntriesAt implements fund.Store.
func (db *DB) EntriesAt(ctx context.Context, unitID string, to civil.Date) (_ []*fund.Entry, err error) {
	defer errs.Wrap(&err, "mongo: EntriesAt %s", unitID)
	cur, err := db.coll(collFund).Find(ctx, bson.D{{Key: "unitId", Value: unitID}, {Key: "listKey", Value: bson.D{{Key: "$lt", Value: upTo(to)}}}},
		options.Find().SetSort(bson.D{{Key: "listKey", Value: 1}}))
	if err != nil {
		return nil, err
	}
	return allEntries(ctx, cur)
}

// ListEntries implements fund.Store.
func (db *DB) ListEntries(ctx context.Context, top unitpath.Path, from, to civil.Date, p page.Request) (_ page.Result[*fund.Entry], err error) {
	defer errs.Wrap(&err, "mongo: ListEntries %v", top)
	var res page.Result[*fund.Entry]
	k, err := page.Seek(p)
	if err != nil {
		return res, err
	}
	cur, err := db.coll(collFund).Find(ctx, bson.D{{Key: "path", Value: top.Unit()}, {Key: "listKey", Value: bson.D{
		{Key: "$gt", Value: max(from.String(), k.After)}, {Key: "$lt", Value: upTo(to)}}}},
		options.Find().SetSort(bson.D{{Key: "listKey", Value: 1}}).SetLimit(int64(k.Fetch())))
	if err != nil {
		return res, err
	}
	items, err := allEntries(ctx, cur)
	if err != nil {
		return res, err
	}
	return page.Cut(k, items, func(i int) string { return fund.ListKey(items[i]) }), nil
}

func allEntries(ctx context.Context, cur *driver.Cursor) ([]*fund.Entry, error) {
	var docs []entryDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]*fund.Entry, 0, len(docs))
	for i := range docs {
		e, err := docs[i].entry()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
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
