package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// searchKeySteps rebuild the scopeWords of members stored before word
// pairs were search keys (issue 15.5): a two-word search is led by its
// pair, which older documents lack. Idempotent: the keys are computed from
// the document's own name and path, and a document changed meanwhile is
// left alone (it was written with its pairs) by matching its version.
func searchKeySteps() []migration {
	return []migration{{name: "data members.scopeWords word pairs", run: rebuildScopeWords}}
}

// rebuildScopeWords rewrites each member's keys from its name and path.
func rebuildScopeWords(ctx context.Context, db *driver.Database) error {
	type keyed struct {
		ID       string   `bson:"_id"`
		FullName string   `bson:"fullName"`
		Path     []string `bson:"path"`
		Version  int      `bson:"version"`
	}
	return rewriteMembers(ctx, db, bson.D{{Key: "fullName", Value: 1}, {Key: "path", Value: 1}, {Key: "version", Value: 1}},
		func(d keyed) string { return d.ID },
		func(d keyed) driver.WriteModel {
			return driver.NewUpdateOneModel().
				SetFilter(bson.D{{Key: "_id", Value: d.ID}, {Key: "version", Value: d.Version}}).
				SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "scopeWords", Value: scopeTerms(d.Path, d.FullName)}}}})
		})
}

// rewriteMembers is a data step's walk over the members: in _id order, a
// page of 500 at a time (an _id range: no whole-collection scan for the
// index checker to refuse), each page decoded as T with projection and
// its rewrites (write: nil for none) sent in one unordered bulkWrite. A
// rewrite matches the version read, so a member changed meanwhile (and
// written with what the step computes) is left alone, and the step may
// run again.
func rewriteMembers[T any](ctx context.Context, db *driver.Database, projection bson.D, id func(T) string, write func(T) driver.WriteModel) error {
	coll := db.Collection(collMembers)
	return walkMembers(ctx, db, projection, id, func(docs []T) error {
		var batch []driver.WriteModel
		for _, d := range docs {
			if w := write(d); w != nil {
				batch = append(batch, w)
			}
		}
		if len(batch) == 0 {
			return nil
		}
		_, err := coll.BulkWrite(ctx, batch, options.BulkWrite().SetOrdered(false))
		return err
	})
}

// walkMembers is a data step's read of the members: in _id order, a page
// of 500 at a time (an _id range), each page decoded as T with projection
// and handed to do. Every province at once: the declared scatter
// members.migration-walk, which runs before a database is sharded
// (docs/sharding.md §9) and never after.
func walkMembers[T any](ctx context.Context, db *driver.Database, projection bson.D, id func(T) string, do func([]T) error) error {
	coll := db.Collection(collMembers)
	for last := ""; ; {
		cur, err := coll.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: last}}}}, options.Find().
			SetProjection(projection).SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(500).
			SetComment(ScatterComment("members.migration-walk")))
		if err != nil {
			return err
		}
		var docs []T
		if err := cur.All(ctx, &docs); err != nil {
			return err
		}
		if len(docs) == 0 {
			return nil
		}
		if err := do(docs); err != nil {
			return err
		}
		last = id(docs[len(docs)-1])
	}
}
