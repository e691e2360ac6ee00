package mongo

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
)

// A TTL index lets MongoDB delete documents once their date has passed
// (refresh tokens at expiresAt), in every deployment, without a job. The
// index is created plain (as FerretDB accepts it, and as existing
// databases already have it) and then made a TTL index by collMod, which
// MongoDB 5.1 and later apply to an existing single-field index. A server
// without TTL indexes (FerretDB v1 answers NotImplemented) keeps the
// plain index, and the hourly purge (PurgeExpiredRefreshTokens) deletes
// expired tokens there as it does everywhere.

// Server error codes of a server that has no TTL indexes.
const (
	codeCommandNotFound = 59
	codeNotImplemented  = 238
)

// ttlSteps are the migrations that make declared TTL indexes expire.
func ttlSteps() []migration {
	var steps []migration
	for _, ix := range Indexes {
		if ix.ExpireAfterSeconds == nil {
			continue
		}
		steps = append(steps, migration{
			name: "ttl " + ix.Collection + "." + ix.Name,
			run: func(ctx context.Context, db *driver.Database) error {
				err := db.RunCommand(ctx, bson.D{
					{Key: "collMod", Value: ix.Collection},
					{Key: "index", Value: bson.D{{Key: "name", Value: ix.Name}, {Key: "expireAfterSeconds", Value: int64(*ix.ExpireAfterSeconds)}}},
				}).Err()
				if noTTL(err) {
					return nil
				}
				return err
			},
		})
	}
	return steps
}

func noTTL(err error) bool {
	var se driver.ServerError
	return errors.As(err, &se) && (se.HasErrorCode(codeNotImplemented) || se.HasErrorCode(codeCommandNotFound))
}
