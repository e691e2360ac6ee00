package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/unitpath"
)

// rewriteByProvince is rewriteByID for counters and marks, which are keyed
// by province (docs/sharding.md §5.4): it pages the moved subtree's
// documents within their province (the index <coll>_province_path_id;
// the root never moves, so from has a province). A document that stays in
// its province has its path rewritten in place, guarded by the old path.
// One whose province changes (a unit given to another province) is copied
// under its new key, then the old one is deleted: the shard key of a
// document cannot change without a transaction.
//
// Between the copy and the delete both exist. The unit's own reads go by
// its new path (units are rewritten first), so they find the copy; the
// old one is met only through its old province: by ChildCounters of its
// old parent (whose caller keeps only its current children), by a
// DeleteCounters there (harmless on derived data), or as a mark seen
// twice by MarksUnder (one recount more; each copy is cleared under its
// own key). A crash in between leaves the old one, still under the moved
// unit with its old path: the resumed rewrite reads it again, its insert
// finds the copy (a duplicate key, skipped: the copy may have been written
// since, and wins) and its delete goes through.
func (db *DB) rewriteByProvince(coll string) func(context.Context, unitpath.Path, unitpath.Path, string, int) (string, int, error) {
	return func(ctx context.Context, from, to unitpath.Path, after string, limit int) (string, int, error) {
		province := provinceOfPath(from)
		cur, err := db.coll(coll).Find(ctx, bson.D{{Key: "province", Value: province}, {Key: "path", Value: from.Unit()}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}},
			options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
		if err != nil {
			return "", 0, err
		}
		var docs []bson.D
		if err := cur.All(ctx, &docs); err != nil {
			return "", 0, err
		}
		var inPlace, copies, deletes []driver.WriteModel
		last := after
		for _, doc := range docs {
			id, path := docIDPath(doc)
			last = id
			moved, ok := path.Rebase(from, to)
			if !ok {
				continue
			}
			old := bson.D{{Key: "province", Value: province}, {Key: "_id", Value: id}, {Key: "path", Value: path}}
			if to := provinceOfPath(moved); to != province {
				copies = append(copies, driver.NewInsertOneModel().SetDocument(withKey(doc, rekey(id, province, to), to, moved)))
				deletes = append(deletes, driver.NewDeleteOneModel().SetFilter(old))
				continue
			}
			inPlace = append(inPlace, driver.NewUpdateOneModel().SetFilter(old).
				SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "path", Value: moved}}}}))
		}
		if err := bulk(ctx, db.coll(coll), inPlace); err != nil {
			return "", 0, err
		}
		if err := insertNew(ctx, db.coll(coll), copies); err != nil {
			return "", 0, err
		}
		if err := bulk(ctx, db.coll(coll), deletes); err != nil {
			return "", 0, err
		}
		return last, len(docs), nil
	}
}

// docIDPath reads a document's _id and path.
func docIDPath(doc bson.D) (string, unitpath.Path) {
	var id string
	var path unitpath.Path
	for _, e := range doc {
		switch e.Key {
		case "_id":
			id, _ = e.Value.(string)
		case "path":
			if arr, ok := e.Value.(bson.A); ok {
				for _, v := range arr {
					if s, ok := v.(string); ok {
						path = append(path, s)
					}
				}
			}
		}
	}
	return id, path
}

// withKey is doc under another _id, province and path, its other fields
// as they are.
func withKey(doc bson.D, id, province string, path unitpath.Path) bson.D {
	out := bson.D{{Key: "_id", Value: id}, {Key: "province", Value: province}, {Key: "path", Value: nonNil(path)}}
	for _, e := range doc {
		if e.Key != "_id" && e.Key != "province" && e.Key != "path" {
			out = append(out, e)
		}
	}
	return out
}

// insertNew inserts batch, unordered; a document already there (a copy
// made before a crash, or written since) is left as it is.
func insertNew(ctx context.Context, coll *driver.Collection, batch []driver.WriteModel) error {
	_, err := dupIndexes(bulk(ctx, coll, batch))
	return err
}
