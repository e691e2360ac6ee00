package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
)

// nameKeySteps give members stored before the name key (issue 17.6) their
// nameKey, computed from the document's own name and birth date; a
// document changed meanwhile was written with its key and is left alone
// (matched by version), so the step is idempotent.
func nameKeySteps() []migration {
	return []migration{{name: "data members.nameKey", run: fillNameKeys}}
}

// fillNameKeys walks the members without a nameKey in _id order, a page
// at a time, and sets each page's keys in one unordered bulkWrite.
func fillNameKeys(ctx context.Context, db *driver.Database) error {
	coll := db.Collection(collMembers)
	for last := ""; ; {
		cur, err := coll.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: last}}}}, options.Find().
			SetProjection(bson.D{{Key: "fullName", Value: 1}, {Key: "birthDate", Value: 1}, {Key: "nameKey", Value: 1}, {Key: "version", Value: 1}}).
			SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(500))
		if err != nil {
			return err
		}
		var docs []struct {
			ID        string `bson:"_id"`
			FullName  string `bson:"fullName"`
			BirthDate string `bson:"birthDate"`
			NameKey   string `bson:"nameKey"`
			Version   int    `bson:"version"`
		}
		if err := cur.All(ctx, &docs); err != nil {
			return err
		}
		if len(docs) == 0 {
			return nil
		}
		var batch []driver.WriteModel
		for _, d := range docs {
			birth, _ := civil.Parse(d.BirthDate) // "" (unknown) is the zero date
			if key := members.NameKey(d.FullName, birth.Year); key != d.NameKey {
				batch = append(batch, driver.NewUpdateOneModel().
					SetFilter(bson.D{{Key: "_id", Value: d.ID}, {Key: "version", Value: d.Version}}).
					SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "nameKey", Value: key}}}}))
			}
		}
		if len(batch) > 0 {
			if _, err := coll.BulkWrite(ctx, batch, options.BulkWrite().SetOrdered(false)); err != nil {
				return err
			}
		}
		last = docs[len(docs)-1].ID
	}
}
