package mongo

import (
	"context"
	"github.com/sohoi/sohoi/internal/errs"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// collReadiness holds one document per probe: a reachable server whose
// disk is full (or that lost its majority) answers reads and fails every
// write, so readiness writes too.
const collReadiness = "readiness"

// Ping checks that the server answers and takes a write, with the
// client's write concern (a majority, by default), so that an instance is
// not ready while its writes fail, and is again once they succeed.
func (db *DB) Ping(ctx context.Context) (err error) {
	defer errs.Wrap(&err, "mongo: Ping")
	if err := db.client.Ping(ctx, nil); err != nil {
		return err
	}
	_, err = db.coll(collReadiness).UpdateOne(ctx, bson.D{{Key: "_id", Value: "probe"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: time.Now().UTC()}}}}, options.UpdateOne().SetUpsert(true))
	return err
}
