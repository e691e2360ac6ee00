package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// rollupSteps bring counters and stale marks written before the sharding
// plan's layout (docs/sharding.md §3, §9: _id "<unit>|<day>", no province)
// to it, then drop the indexes the old layout's queries used. Stop every
// older sohoi before the first start of this one: an older one writes the
// old layout, which this one neither reads nor moves after the step.
//
// The documents are re-keyed (copied, then deleted), not dropped to be
// counted again. Marks cannot be dropped at all: a mark is the record of a
// change whose recount is not done, and without it the tallies above the
// change would stay wrong until a reconcile. Counters could be: a missing
// tally is counted again when it is needed (a read counts it from the
// facts, a recount stores it). But until every unit is recounted each
// national or provincial read would count its whole subtree from the
// members (seconds for a province of a million), and no write reaches most
// units for weeks; copying costs one read and two writes per 500
// documents, once, at start.
func rollupSteps() []migration {
	return []migration{
		{name: "data counters.province", run: rekeyByProvince(collCounters)},
		{name: "data staleMarks.province", run: rekeyByProvince(collMarks)},
		{name: "drop index counters.counters_parent_day", run: dropIndex(collCounters, "counters_parent_day")},
		{name: "drop index counters.counters_path_day", run: dropIndex(collCounters, "counters_path_day")},
		{name: "drop index counters.counters_path_id", run: dropIndex(collCounters, "counters_path_id")},
		{name: "drop index staleMarks.stale_marks_pending", run: dropIndex(collMarks, "stale_marks_pending")},
		{name: "drop index staleMarks.stale_marks_path_id", run: dropIndex(collMarks, "stale_marks_path_id")},
	}
}

// rekeyByProvince walks the documents of coll without a province (the old
// layout: province null, one range of the shard key's index, which a
// cluster would target too) a page at a time in _id order, inserts each
// under "<province>|<old _id>" with its province, then deletes the old one.
// Idempotent and resumable: a copy already there (a crash between the
// insert and the delete, two instances starting at once, or a newer write
// under the new key) is a duplicate key and left as it is; the delete
// then goes through. A document without a path belongs to no subtree (no
// read could find it): it is deleted.
func rekeyByProvince(coll string) func(ctx context.Context, db *driver.Database) error {
	return func(ctx context.Context, db *driver.Database) error {
		c := db.Collection(coll)
		for last := ""; ; {
			cur, err := c.Find(ctx, bson.D{{Key: "province", Value: nil}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: last}}}},
				options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(500))
			if err != nil {
				return err
			}
			var docs []bson.D
			if err := cur.All(ctx, &docs); err != nil {
				return err
			}
			if len(docs) == 0 {
				return nil
			}
			var copies, deletes []driver.WriteModel
			for _, doc := range docs {
				id, path := docIDPath(doc)
				if id == "" {
					return fmt.Errorf("%s: a document without a string _id after %q", coll, last)
				}
				last = id
				if len(path) > 0 {
					p := provinceOfPath(path)
					copies = append(copies, driver.NewInsertOneModel().SetDocument(withKey(doc, p+"|"+id, p, path)))
				}
				deletes = append(deletes, driver.NewDeleteOneModel().SetFilter(bson.D{{Key: "province", Value: nil}, {Key: "_id", Value: id}}))
			}
			if err := insertNew(ctx, c, copies); err != nil {
				return err
			}
			if err := bulk(ctx, c, deletes); err != nil {
				return err
			}
		}
	}
}
