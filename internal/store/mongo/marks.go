package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/rollups"
)

// markDoc is a stale mark, _id = dayKey(unit, day).
type markDoc struct {
	ID     string   `bson:"_id"`
	UnitID string   `bson:"unitId"`
	Day    string   `bson:"day"`
	Path   []string `bson:"path"`
	Gen    int64    `bson:"gen"`
	// Cleared is the generation last settled; the mark is stale while
	// Cleared < Gen. Documents are never deleted, so generations only grow
	// and a clear at an old generation can never remove a newer mark.
	Cleared int64 `bson:"cleared"`
	// Pending is Cleared < Gen, stored so that reads find the pending marks
	// by index among every mark ever made.
	Pending bool `bson:"pending"`
}

// MarkStale implements rollups.Store: one upsert per mark that bumps its
// generation and returns the new one. The generation must be the one this
// call wrote (ClearMark deletes only at it), so it comes back from the
// same findAndModify, not from a read after a bulk write, which could see
// a later marking's. Without a transaction a failure part-way leaves the
// first marks recorded: a mark only costs a recount, and running the call
// again bumps them once more, which is as safe.
func (db *DB) MarkStale(ctx context.Context, marks []rollups.Mark) ([]rollups.Mark, error) {
	out := make([]rollups.Mark, len(marks))
	for i, m := range marks {
		var d struct {
			Gen int64 `bson:"gen"`
		}
		err := retryUpsert(func() error {
			return db.coll(collMarks).FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: dayKey(m.UnitID, m.Day)}},
				bson.D{
					{Key: "$inc", Value: bson.D{{Key: "gen", Value: int64(1)}}},
					{Key: "$set", Value: bson.D{{Key: "unitId", Value: m.UnitID}, {Key: "day", Value: m.Day}, {Key: "path", Value: nonNil(m.Path)}, {Key: "pending", Value: true}}},
				},
				afterUpsert()).Decode(&d)
		})
		if err != nil {
			return nil, err
		}
		out[i] = m
		out[i].Gen = d.Gen
	}
	return out, nil
}

// ClearMark implements rollups.Store: settles the mark at its generation,
// so a mark made again since stays.
func (db *DB) ClearMark(ctx context.Context, m rollups.Mark) error {
	_, err := db.coll(collMarks).UpdateOne(ctx, bson.D{{Key: "_id", Value: dayKey(m.UnitID, m.Day)}, {Key: "gen", Value: m.Gen}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "cleared", Value: m.Gen}, {Key: "pending", Value: false}}}})
	return err
}

// MarksUnder implements rollups.Store from stale_marks_pending.
func (db *DB) MarksUnder(ctx context.Context, unitID, day string) ([]rollups.Mark, error) {
	cur, err := db.coll(collMarks).Find(ctx, bson.D{{Key: "path", Value: unitID}, {Key: "day", Value: day}, {Key: "pending", Value: true}})
	if err != nil {
		return nil, err
	}
	var docs []markDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]rollups.Mark, 0, len(docs))
	for _, d := range docs {
		if d.Cleared < d.Gen {
			out = append(out, rollups.Mark{UnitID: d.UnitID, Path: d.Path, Day: d.Day, Gen: d.Gen})
		}
	}
	return out, nil
}

// SnapshotDays implements rollups.Store: _id is the day, so the _id index
// gives the order.
func (db *DB) SnapshotDays(ctx context.Context) ([]string, error) {
	cur, err := db.coll(collSnapDays).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []struct {
		Day string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.Day)
	}
	return out, nil
}

// AddSnapshotDay implements rollups.Store; a day already kept is a
// duplicate _id, which is success.
func (db *DB) AddSnapshotDay(ctx context.Context, day string) error {
	_, err := db.coll(collSnapDays).InsertOne(ctx, bson.D{{Key: "_id", Value: day}})
	if isDup(err) {
		return nil
	}
	return err
}
