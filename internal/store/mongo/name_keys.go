package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"

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

// fillNameKeys sets the nameKey of each member that lacks it (or has
// another), computed from its name and birth date.
func fillNameKeys(ctx context.Context, db *driver.Database) error {
	type named struct {
		ID        string `bson:"_id"`
		FullName  string `bson:"fullName"`
		BirthDate string `bson:"birthDate"`
		NameKey   string `bson:"nameKey"`
		Version   int    `bson:"version"`
	}
	return rewriteMembers(ctx, db, bson.D{{Key: "fullName", Value: 1}, {Key: "birthDate", Value: 1}, {Key: "nameKey", Value: 1}, {Key: "version", Value: 1}},
		func(d named) string { return d.ID },
		func(d named) driver.WriteModel {
			birth, _ := civil.Parse(d.BirthDate) // "" (unknown) is the zero date
			key := members.NameKey(d.FullName, birth.Year)
			if key == d.NameKey {
				return nil
			}
			return driver.NewUpdateOneModel().
				SetFilter(bson.D{{Key: "_id", Value: d.ID}, {Key: "version", Value: d.Version}}).
				SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "nameKey", Value: key}}}})
		})
}
