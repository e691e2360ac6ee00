package mongo

import (
	"context"
	"encoding/json"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// dated is how the fund's entries and the awards are kept: one document
// per record with the record as JSON (doc), its path (which a move
// rewrites, and which overrides the JSON's), unitId and a listKey that
// sorts by day then id. Their reads differ only by collection and type.
type dated[T any] struct {
	coll, kind string
	setPath    func(*T, unitpath.Path)
	listKey    func(*T) string
}

// datedDoc is what a read needs of such a document.
type datedDoc struct {
	Path []string `bson:"path"`
	Doc  string   `bson:"doc"`
}

func (d dated[T]) decode(doc *datedDoc) (*T, error) {
	v := new(T)
	if err := json.Unmarshal([]byte(doc.Doc), v); err != nil {
		return nil, err
	}
	d.setPath(v, unitpath.Path(doc.Path))
	return v, nil
}

// get is the record id, or errs.NotFound.
func (d dated[T]) get(ctx context.Context, db *DB, id string) (*T, error) {
	var doc datedDoc
	err := db.coll(d.coll).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&doc)
	if isNoDoc(err) {
		return nil, notFound(d.kind, id)
	}
	if err != nil {
		return nil, err
	}
	return d.decode(&doc)
}

// at are one unit's records dated on or before to (zero: all), by day.
func (d dated[T]) at(ctx context.Context, db *DB, unitID string, to civil.Date) ([]*T, error) {
	cur, err := db.coll(d.coll).Find(ctx, bson.D{{Key: "unitId", Value: unitID}, {Key: "listKey", Value: bson.D{{Key: "$lt", Value: upTo(to)}}}},
		options.Find().SetSort(bson.D{{Key: "listKey", Value: 1}}))
	if err != nil {
		return nil, err
	}
	return d.all(ctx, cur)
}

// list is a page of a subtree's records dated from..to.
func (d dated[T]) list(ctx context.Context, db *DB, top unitpath.Path, from, to civil.Date, p page.Request) (page.Result[*T], error) {
	var res page.Result[*T]
	k, err := page.Seek(p)
	if err != nil {
		return res, err
	}
	cur, err := db.coll(d.coll).Find(ctx, bson.D{{Key: "path", Value: top.Unit()}, {Key: "listKey", Value: bson.D{
		{Key: "$gt", Value: max(from.String(), k.After)}, {Key: "$lt", Value: upTo(to)}}}},
		options.Find().SetSort(bson.D{{Key: "listKey", Value: 1}}).SetLimit(int64(k.Fetch())))
	if err != nil {
		return res, err
	}
	items, err := d.all(ctx, cur)
	if err != nil {
		return res, err
	}
	return page.Cut(k, items, func(i int) string { return d.listKey(items[i]) }), nil
}

func (d dated[T]) all(ctx context.Context, cur *driver.Cursor) ([]*T, error) {
	var docs []datedDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(docs))
	for i := range docs {
		v, err := d.decode(&docs[i])
		if err != nil {
			return nil, err
		}
		out = append(out, v)
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
