package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// counterDoc is a unit's counter for a day, _id = rollupKey(path, day),
// province = provinceOfPath(path): the shard key {province, _id}.
//
// Bump hands out tickets and Ticket is the ticket of the stored tally. The
// writes keep bump ≥ ticket (TakeTickets increments bump; PutCounters and
// ReplaceCounter raise it to their ticket with $max in the same update),
// so the next $inc is above any stored ticket: what SQLite writes as
// bump = max(bump, ticket) + 1, without an update pipeline (FerretDB v1
// has none). A document TakeTickets created has no tally, parent or path
// yet: it is a ticket, not a tally, and the reads skip it.
type counterDoc struct {
	ID       string    `bson:"_id"`
	Province string    `bson:"province"`
	UnitID   string    `bson:"unitId"`
	Day      string    `bson:"day"`
	ParentID string    `bson:"parentId"`
	Path     []string  `bson:"path"`
	Bump     int64     `bson:"bump"`
	Ticket   int64     `bson:"ticket"`
	Tally    *tallyDoc `bson:"tally"`
}

func (d *counterDoc) counter() (*rollups.Counter, error) {
	t, err := d.Tally.tally()
	if err != nil {
		return nil, fmt.Errorf("counter %s: %w", d.ID, err)
	}
	return &rollups.Counter{UnitID: d.UnitID, ParentID: d.ParentID, Path: d.Path, Day: d.Day, Ticket: d.Ticket, Tally: t}, nil
}

// counterFilter pins the counter of the unit at path for a day by its
// shard key; an upsert through it writes both fields into a new document.
func counterFilter(path unitpath.Path, day string) bson.D {
	return bson.D{{Key: "province", Value: provinceOfPath(path)}, {Key: "_id", Value: rollupKey(path, day)}}
}

// counterUpdate stores c's tally and ticket and keeps bump ≥ ticket.
func counterUpdate(c *rollups.Counter) bson.D {
	return bson.D{
		{Key: "$set", Value: bson.D{
			{Key: "unitId", Value: c.UnitID}, {Key: "day", Value: c.Day}, {Key: "parentId", Value: c.ParentID},
			{Key: "path", Value: nonNil(c.Path)}, {Key: "ticket", Value: c.Ticket}, {Key: "tally", Value: toTallyDoc(&c.Tally)},
		}},
		{Key: "$max", Value: bson.D{{Key: "bump", Value: c.Ticket}}},
	}
}

// TakeTickets implements rollups.Store: a findAndModify per unit (the
// new ticket comes back from the server; a bulkWrite returns no
// documents). The settler, not a member write, is the one caller with
// many. A new document gets ticket 0, so that PutCounters'
// {ticket: {$lt: t}} matches it (a missing field would not).
func (db *DB) TakeTickets(ctx context.Context, tickets []rollups.TicketFor) (_ []int64, err error) {
	defer errs.Wrap(&err, "mongo: TakeTickets")
	out := make([]int64, len(tickets))
	for i, t := range tickets {
		var d struct {
			Bump int64 `bson:"bump"`
		}
		err := retryUpsert(func() error {
			return db.coll(collCounters).FindOneAndUpdate(ctx, counterFilter(t.Path, t.Day),
				bson.D{
					{Key: "$inc", Value: bson.D{{Key: "bump", Value: int64(1)}}},
					{Key: "$set", Value: bson.D{{Key: "path", Value: nonNil(t.Path)}}},
					{Key: "$setOnInsert", Value: bson.D{{Key: "unitId", Value: t.UnitID}, {Key: "day", Value: t.Day}, {Key: "ticket", Value: int64(0)}}},
				},
				afterUpsert()).Decode(&d)
		})
		if err != nil {
			return nil, err
		}
		out[i] = d.Bump
	}
	return out, nil
}

// PutCounters implements rollups.Store: one unordered bulkWrite of
// updates each guarded by its stored ticket, so a counter is stored iff
// its update matched. Without a document there is no ticket behind a
// counter (TakeTickets creates it, DeleteCounters may have dropped it
// since): it is not stored, as in SQLite.
func (db *DB) PutCounters(ctx context.Context, cs []*rollups.Counter) (_ int, err error) {
	defer errs.Wrap(&err, "mongo: PutCounters")
	if len(cs) == 0 {
		return 0, nil
	}
	models := make([]mongo.WriteModel, len(cs))
	for i, c := range cs {
		models[i] = mongo.NewUpdateOneModel().
			SetFilter(append(counterFilter(c.Path, c.Day), bson.E{Key: "ticket", Value: bson.D{{Key: "$lt", Value: c.Ticket}}})).
			SetUpdate(counterUpdate(c))
	}
	res, err := db.coll(collCounters).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	if err != nil {
		return 0, err
	}
	return int(res.MatchedCount), nil
}

// ReplaceCounter implements rollups.Store: the same update unguarded, as an
// upsert; running it again stores the same.
func (db *DB) ReplaceCounter(ctx context.Context, c *rollups.Counter) (err error) {
	defer errs.Wrap(&err, "mongo: ReplaceCounter %s", c.UnitID)
	return retryUpsert(func() error {
		_, err := db.coll(collCounters).UpdateOne(ctx, counterFilter(c.Path, c.Day),
			counterUpdate(c), options.UpdateOne().SetUpsert(true))
		return err
	})
}

// GetCounter implements rollups.Store. The tally is checked here rather
// than with {tally: {$exists: true}}: the document is one either way.
func (db *DB) GetCounter(ctx context.Context, path unitpath.Path, day string) (_ *rollups.Counter, err error) {
	unitID := path.Unit()
	defer errs.Wrap(&err, "mongo: GetCounter %s", unitID)
	var d counterDoc
	err = db.coll(collCounters).FindOne(ctx, counterFilter(path, day)).Decode(&d)
	if isNoDoc(err) || err == nil && d.Tally == nil {
		return nil, errs.E(errs.NotFound, "no tally of unit %s for %q", unitID, day)
	}
	if err != nil {
		return nil, err
	}
	return d.counter()
}

// ChildCounters implements rollups.Store from counters_province_parent_day:
// the children of a unit below the root are in its province; the root's
// children are the provinces, each in its own, so their counters are the
// declared scatter counters.provinces (every national rollup).
// Ticket-only documents carry no parentId and so never match; the tally
// check below only makes that explicit.
func (db *DB) ChildCounters(ctx context.Context, parent unitpath.Path, day string) (_ []*rollups.Counter, err error) {
	parentID := parent.Unit()
	defer errs.Wrap(&err, "mongo: ChildCounters %s", parentID)
	province, o, err := db.subtreeProvince(ctx, parent, "counters.provinces")
	if err != nil {
		return nil, err
	}
	cur, err := db.coll(collCounters).Find(ctx, bson.D{province, {Key: "parentId", Value: parentID}, {Key: "day", Value: day}}, o)
	if err != nil {
		return nil, err
	}
	var docs []counterDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]*rollups.Counter, 0, len(docs))
	for i := range docs {
		if docs[i].Tally == nil {
			continue
		}
		c, err := docs[i].counter()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// DeleteCounters implements rollups.Store from counters_province_path_day
// (the root's subtree: the declared scatter counters.national-reconcile,
// once per kept day of a reconcile from the root): every
// counter of the day whose path holds the unit (tickets record the path,
// so those without a tally yet are found too) loses its tally, and its
// ticket becomes its bump, so that no ticket handed out before can store.
//
// Without update pipelines (FerretDB v1 has none) "ticket = bump" is one
// guarded update per counter: it applies only while bump is what was read,
// and a counter whose bump moved meanwhile is read again.
func (db *DB) DeleteCounters(ctx context.Context, path unitpath.Path, day string) (err error) {
	unitID := path.Unit()
	defer errs.Wrap(&err, "mongo: DeleteCounters %s", unitID)
	coll := db.coll(collCounters)
	province, o, err := db.subtreeProvince(ctx, path, "counters.national-reconcile")
	if err != nil {
		return err
	}
	cur, err := coll.Find(ctx, bson.D{province, {Key: "path", Value: unitID}, {Key: "day", Value: day}}, o)
	if err != nil {
		return err
	}
	var docs []counterDoc
	if err := cur.All(ctx, &docs); err != nil {
		return err
	}
	for _, d := range docs {
		for attempt := 0; ; attempt++ {
			res, err := coll.UpdateOne(ctx, bson.D{{Key: "province", Value: d.Province}, {Key: "_id", Value: d.ID}, {Key: "bump", Value: d.Bump}},
				bson.D{{Key: "$set", Value: bson.D{{Key: "ticket", Value: max(d.Bump, d.Ticket)}}}, {Key: "$unset", Value: bson.D{{Key: "tally", Value: ""}}}})
			if err != nil {
				return err
			}
			if res.MatchedCount == 1 {
				break
			}
			if attempt == 10 {
				return fmt.Errorf("counter %s kept changing while its tally was dropped", d.ID)
			}
			if err := coll.FindOne(ctx, bson.D{{Key: "province", Value: d.Province}, {Key: "_id", Value: d.ID}}).Decode(&d); err != nil {
				return err
			}
		}
	}
	return nil
}
