package mongo

import (
	"context"
	"github.com/sohoi/sohoi/internal/errs"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// collLeases holds one document per lease: _id the lease's name, the
// owner and the end of its term. Several sohoi instances share a database;
// a lease lets one of them do a job (closing a month) at a time, and lets
// another take over when the holder stops renewing (it died).
const collLeases = "leases"

// AcquireLease implements rollups.Store with one guarded upsert: the
// filter matches the lease only when owner holds it or its term is over;
// when it does not match, the upsert inserts a document with the same
// _id, which the _id index refuses while someone else holds the lease.
// One single-document write: no transaction, and of concurrent callers
// at most one matches or inserts.
func (db *DB) AcquireLease(ctx context.Context, name, owner string, now, until time.Time) (_ bool, err error) {
	defer errs.Wrap(&err, "mongo: AcquireLease %s", name)
	filter := bson.D{{Key: "_id", Value: name}, {Key: "$or", Value: bson.A{
		bson.D{{Key: "owner", Value: owner}},
		bson.D{{Key: "until", Value: bson.D{{Key: "$lte", Value: now.UTC()}}}},
	}}}
	update := bson.D{{Key: "$set", Value: bson.D{{Key: "owner", Value: owner}, {Key: "until", Value: until.UTC()}}}}
	_, err = db.coll(collLeases).UpdateOne(ctx, filter, update, options.UpdateOne().SetUpsert(true))
	if isDup(err) {
		return false, nil
	}
	return err == nil, err
}

// ReleaseLease implements rollups.Store.
func (db *DB) ReleaseLease(ctx context.Context, name, owner string) (err error) {
	defer errs.Wrap(&err, "mongo: ReleaseLease %s", name)
	_, err = db.coll(collLeases).DeleteOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "owner", Value: owner}})
	return err
}
