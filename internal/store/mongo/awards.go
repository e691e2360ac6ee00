package mongo

import (
	"context"
	"encoding/json"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/scholarships"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// An award is one document; a fund entry pays one award at most (the
// sparse unique index on fundEntry, absent for an award in kind).
type awardDoc struct {
	ID        string   `bson:"_id"`
	UnitID    string   `bson:"unitId"`
	Path      []string `bson:"path"`
	FundEntry string   `bson:"fundEntry,omitempty"`
	ListKey   string   `bson:"listKey"` // scholarships.ListKey
	Doc       string   `bson:"doc"`
}

// CreateAward implements scholarships.Store.
func (db *DB) CreateAward(ctx context.Context, a *scholarships.Award) (err error) {
	defer errs.Wrap(&err, "mongo: CreateAward %s", a.ID)
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	_, err = db.coll(collAwards).InsertOne(ctx, awardDoc{ID: a.ID, UnitID: a.UnitID, Path: nonNil(a.Path), FundEntry: a.FundEntry,
		ListKey: scholarships.ListKey(a), Doc: string(b)})
	if isDup(err) {
		return errs.E(errs.Conflict, "award %s: its id is taken, or fund entry %s already paid another award", a.ID, a.FundEntry)
	}
	return err
}

func (d *awardDoc) award() (*scholarships.Award, error) {
	a := &scholarships.Award{}
	if err := json.Unmarshal([]byte(d.Doc), a); err != nil {
		return nil, err
	}
	a.Path = unitpath.Path(d.Path)
	return a, nil
}

// GetAward implements scholarships.Store.
func (db *DB) GetAward(ctx context.Context, id string) (_ *scholarships.Award, err error) {
	defer errs.Wrap(&err, "mongo: GetAward %s", id)
	var d awardDoc
	err = db.coll(collAwards).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if isNoDoc(err) {
		return nil, notFound("award", id)
	}
	if err != nil {
		return nil, err
	}
	return d.award()
}

// AwardsAt implements scholarships.Store.
func (db *DB) AwardsAt(ctx context.Context, unitID string, to civil.Date) (_ []*scholarships.Award, err error) {
	defer errs.Wrap(&err, "mongo: AwardsAt %s", unitID)
	cur, err := db.coll(collAwards).Find(ctx, bson.D{{Key: "unitId", Value: unitID}, {Key: "listKey", Value: bson.D{{Key: "$lt", Value: upTo(to)}}}},
		options.Find().SetSort(bson.D{{Key: "listKey", Value: 1}}))
	if err != nil {
		return nil, err
	}
	return allAwards(ctx, cur)
}

// ListAwards implements scholarships.Store.
func (db *DB) ListAwards(ctx context.Context, top unitpath.Path, from, to civil.Date, p page.Request) (_ page.Result[*scholarships.Award], err error) {
	defer errs.Wrap(&err, "mongo: ListAwards %v", top)
	var res page.Result[*scholarships.Award]
	k, err := page.Seek(p)
	if err != nil {
		return res, err
	}
	cur, err := db.coll(collAwards).Find(ctx, bson.D{{Key: "path", Value: top.Unit()}, {Key: "listKey", Value: bson.D{
		{Key: "$gt", Value: max(from.String(), k.After)}, {Key: "$lt", Value: upTo(to)}}}},
		options.Find().SetSort(bson.D{{Key: "listKey", Value: 1}}).SetLimit(int64(k.Fetch())))
	if err != nil {
		return res, err
	}
	items, err := allAwards(ctx, cur)
	if err != nil {
		return res, err
	}
	return page.Cut(k, items, func(i int) string { return scholarships.ListKey(items[i]) }), nil
}

func allAwards(ctx context.Context, cur *driver.Cursor) ([]*scholarships.Award, error) {
	var docs []awardDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]*scholarships.Award, 0, len(docs))
	for i := range docs {
		a, err := docs[i].award()
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}
