package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// MigrationCount is how many migrations a fresh database records.
func MigrationCount() int { return len(migrations()) }

// The contract's hooks to change the trail behind the store's back
// (storetest.AuditTamper), straight through the collection, and to lose
// a sequence number as a writer that crashed after taking it.

func (db *DB) TamperAudit(ctx context.Context, seq int64, after string) error {
	_, err := db.coll(collAudit).UpdateOne(ctx, bson.D{{Key: "_id", Value: seq}}, bson.D{{Key: "$set", Value: bson.D{{Key: "after", Value: after}}}})
	return err
}

func (db *DB) RemoveAudit(ctx context.Context, seq int64) error {
	_, err := db.coll(collAudit).DeleteOne(ctx, bson.D{{Key: "_id", Value: seq}})
	return err
}

func (db *DB) LoseAuditSeq(ctx context.Context) error {
	_, err := db.takeAuditSeq(ctx, time.Now().UTC())
	return err
}
