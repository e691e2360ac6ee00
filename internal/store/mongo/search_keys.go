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

// rebuildScopeWords walks the members in _id order, a page at a time (an
// _id range: no whole-collection scan for the index checker to refuse),
// and rewrites each page's keys in one unordered bulkWrite.
func rebuildScopeWords(ctx context.Context, db *driver.Database) error {
	coll := db.Collection(collMembers)
	for last := ""; ; {
		cur, err := coll.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: last}}}}, options.Find().
			SetProjection(bson.D{{Key: "fullName", Value: 1}, {Key: "path", Value: 1}, {Key: "version", Value: 1}}).
			SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(500))
		if err != nil {
			return err
		}
		var docs []struct {
			ID       string   `bson:"_id"`
			FullName string   `bson:"fullName"`
			Path     []string `bson:"path"`
			Version  int      `bson:"version"`
		}
		if err := cur.All(ctx, &docs); err != nil {
			return err
		}
		if len(docs) == 0 {
			return nil
		}
		batch := make([]driver.WriteModel, 0, len(docs))
		for _, d := range docs {
			batch = append(batch, driver.NewUpdateOneModel().
				SetFilter(bson.D{{Key: "_id", Value: d.ID}, {Key: "version", Value: d.Version}}).
				SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "scopeWords", Value: scopeTerms(d.Path, d.FullName)}}}}))
		}
		if _, err := coll.BulkWrite(ctx, batch, options.BulkWrite().SetOrdered(false)); err != nil {
			return err
		}
		last = docs[len(docs)-1].ID
	}
}
