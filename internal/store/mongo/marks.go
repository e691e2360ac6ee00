package mongo

import (
	"context"
	"github.com/sohoi/sohoi/internal/errs"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// markDoc is a stale mark, _id = markKey(mark), province =
// provinceOfPath(path): the shard key {province, _id}.
type markDoc struct {
	ID       string   `bson:"_id"`
	Province string   `bson:"province"`
	UnitID   string   `bson:"unitId"`
	Day      string   `bson:"day"`
	Path     []string `bson:"path"`
	Gen      int64    `bson:"gen"`
	// Cleared is the generation last settled; the mark is stale while
	// Cleared != Gen. Documents are never deleted, and every marking writes
	// a generation never written before (newGen), so a clear at an old
	// generation can never remove a newer mark.
	Cleared int64 `bson:"cleared"`
	// Pending is Cleared < Gen, stored so that reads find the pending marks
	// by index among every mark ever made (marks made before marks were
	// per change; a mark per change is deleted when cleared).
	Pending bool `bson:"pending"`
	// Change is the change the mark was made for ("" before marks were
	// per change); Unstored says the change is not stored yet (absent on
	// older marks, which were all made after their change was stored).
	Change   string `bson:"change,omitempty"`
	Unstored bool   `bson:"unstored,omitempty"`
}

// markKey is a mark's _id: one per unit, day and change (a mark made
// before marks were per change has change "" and no "#").
func markKey(m rollups.Mark) string {
	key := provinceOfPath(m.Path) + "|" + dayKey(m.UnitID, m.DayField())
	if m.Change == "" {
		return key
	}
	return key + "#" + m.Change
}

// markFilter pins a mark by its shard key; an upsert through it writes
// both fields into a new document.
func markFilter(m rollups.Mark) bson.D {
	return bson.D{{Key: "province", Value: provinceOfPath(m.Path)}, {Key: "_id", Value: markKey(m)}}
}

// MarkStale implements rollups.Store: one bulkWrite of upserts, whatever
// the number of marks. Each marking sets a generation this process
// chooses (newGen): the generation must be the one this call wrote
// (ClearMarks settles only at it), and a bulkWrite returns no documents,
// so it cannot come from the server the way an $inc through findAndModify
// would. Without a transaction a failure part-way leaves some marks
// recorded: a mark only costs a recount, and running the call again marks
// them once more, which is as safe.
//
// A change marks each unit it touches once (an onward mark), so the
// bulkWrite holds one or two updates whatever the number of kept days.
// (FerretDB v1, the tests' server, stalled on one that updated a hundred
// existing marks when a change marked every kept day; seen 2026-12-03.)
func (db *DB) MarkStale(ctx context.Context, marks []rollups.Mark) (_ []rollups.Mark, err error) {
	defer errs.Wrap(&err, "mongo: MarkStale")
	if len(marks) == 0 {
		return nil, nil
	}
	out := make([]rollups.Mark, len(marks))
	models := make([]mongo.WriteModel, len(marks))
	for i, m := range marks {
		out[i] = m
		out[i].Gen = newGen()
		models[i] = mongo.NewUpdateOneModel().SetFilter(markFilter(m)).SetUpsert(true).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "unitId", Value: m.UnitID}, {Key: "day", Value: m.DayField()},
				{Key: "path", Value: nonNil(m.Path)}, {Key: "gen", Value: out[i].Gen}, {Key: "pending", Value: true},
				{Key: "change", Value: m.Change}, {Key: "unstored", Value: !m.Stored}}}})
	}
	err = retryUpsert(func() error {
		_, err := db.coll(collMarks).BulkWrite(ctx, models)
		return err
	})
	if err != nil {
		return nil, err
	}
	// The bulkWrite is ordered: a unit marked twice in one call keeps the
	// generation written last, and is cleared at it.
	last := map[string]int64{}
	for _, m := range out {
		last[markKey(m)] = m.Gen
	}
	for i, m := range out {
		out[i].Gen = last[markKey(m)]
	}
	return out, nil
}

// ClearMarks implements rollups.Store: one unordered bulkWrite that
// settles each mark at its generation, so a mark made again since (at
// another generation) stays. A change's mark is deleted (one document per
// change must not pile up); a mark from before marks were per change is
// settled in place, as it was.
func (db *DB) ClearMarks(ctx context.Context, marks []rollups.Mark) (err error) {
	defer errs.Wrap(&err, "mongo: ClearMarks")
	if len(marks) == 0 {
		return nil
	}
	models := make([]mongo.WriteModel, len(marks))
	for i, m := range marks {
		filter := append(markFilter(m), bson.E{Key: "gen", Value: m.Gen})
		if m.Change != "" {
			models[i] = mongo.NewDeleteOneModel().SetFilter(filter)
			continue
		}
		models[i] = mongo.NewUpdateOneModel().SetFilter(filter).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "cleared", Value: m.Gen}, {Key: "pending", Value: false}}}})
	}
	_, err = db.coll(collMarks).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	return err
}

// MarksUnder implements rollups.Store from stale_marks_province_pending:
// the marks of the day, and the onward ones from it or before (every
// onward one for the live tally), two index ranges of the subtree's
// province. The root's subtree is every province: the declared scatter
// marks.settler (the settler's round, a reconcile or a national read).
func (db *DB) MarksUnder(ctx context.Context, path unitpath.Path, day string) (_ []rollups.Mark, err error) {
	defer errs.Wrap(&err, "mongo: MarksUnder %s", path.Unit())
	return db.marksUnder(ctx, path, day, 0)
}

// AnyMarkUnder implements rollups.Store: MarksUnder reading at most one
// mark per range.
func (db *DB) AnyMarkUnder(ctx context.Context, path unitpath.Path, day string) (_ bool, err error) {
	defer errs.Wrap(&err, "mongo: AnyMarkUnder %s", path.Unit())
	ms, err := db.marksUnder(ctx, path, day, 1)
	return len(ms) > 0, err
}

// marksUnder is MarksUnder reading at most limit marks per range (0: all).
// A limited read still finds a pending mark when there is one: the first
// range asks only for pending marks, and onward marks are deleted when
// cleared.
func (db *DB) marksUnder(ctx context.Context, path unitpath.Path, day string, limit int64) ([]rollups.Mark, error) {
	province, o, err := db.subtreeProvince(ctx, path, "marks.settler")
	if err != nil {
		return nil, err
	}
	o.SetLimit(limit)
	unitID := path.Unit()
	lo, hi := rollups.OnwardFields(day) // one range of stale_marks_province_pending
	var out []rollups.Mark
	for _, f := range []bson.D{
		{province, {Key: "path", Value: unitID}, {Key: "day", Value: day}, {Key: "pending", Value: true}},
		// Onward marks are per change and deleted when cleared: every one
		// is pending, and the range is the last field the index serves.
		{province, {Key: "path", Value: unitID}, {Key: "day", Value: bson.D{{Key: "$gte", Value: lo}, {Key: "$lte", Value: hi}}}},
	} {
		cur, err := db.coll(collMarks).Find(ctx, f, o)
		if err != nil {
			return nil, err
		}
		var docs []markDoc
		if err := cur.All(ctx, &docs); err != nil {
			return nil, err
		}
		for _, d := range docs {
			if d.Cleared == d.Gen {
				continue
			}
			m := rollups.Mark{UnitID: d.UnitID, Path: d.Path, Gen: d.Gen, Change: d.Change, Stored: !d.Unstored}
			m.SetDayField(d.Day)
			out = append(out, m)
		}
		if limit > 0 && len(out) > 0 {
			break
		}
	}
	return out, nil
}

// SnapshotDays implements rollups.Store: _id is the day, so the _id index
// gives the order.
func (db *DB) SnapshotDays(ctx context.Context) (_ []string, err error) {
	defer errs.Wrap(&err, "mongo: SnapshotDays")
	// One batch: every change reads this list, and a getMore after the
	// first 101 days (the default first batch) would be a round trip more.
	cur, err := db.coll(collSnapDays).Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(10_000))
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
func (db *DB) AddSnapshotDay(ctx context.Context, day string) (err error) {
	defer errs.Wrap(&err, "mongo: AddSnapshotDay %s", day)
	_, err = db.coll(collSnapDays).InsertOne(ctx, bson.D{{Key: "_id", Value: day}})
	if isDup(err) {
		return nil
	}
	return err
}
