package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/idempotency"
)

// idemDoc is an Idempotency-Key as stored; _id is the user's id and the
// key (the key is visible ASCII, so a space cannot be part of either).
type idemDoc struct {
	ID          string    `bson:"_id"`
	UserID      string    `bson:"userId"`
	Key         string    `bson:"key"`
	Token       string    `bson:"token"`
	Fingerprint string    `bson:"fingerprint"`
	CreatedAt   time.Time `bson:"createdAt"`
	// ExpiresAt is also when MongoDB deletes the key (TTL index
	// idempotency_keys_expiry).
	ExpiresAt   time.Time `bson:"expiresAt"`
	Done        bool      `bson:"done"`
	Status      int       `bson:"status"`
	ContentType string    `bson:"contentType"`
	Location    string    `bson:"location"`
	ETag        string    `bson:"etag"`
	Body        []byte    `bson:"body"`
}

func idemID(userID, key string) string { return userID + " " + key }

func (d *idemDoc) record() *idempotency.Record {
	return &idempotency.Record{UserID: d.UserID, Key: d.Key, Token: d.Token, Fingerprint: d.Fingerprint,
		CreatedAt: utc(d.CreatedAt), ExpiresAt: utc(d.ExpiresAt), Done: d.Done,
		Answer: idempotency.Answer{Status: d.Status, ContentType: d.ContentType, Location: d.Location, ETag: d.ETag, Body: d.Body}}
}

// ClaimIdempotencyKey implements idempotency.Store without a transaction:
// the insert is the claim (the _id is unique, so of concurrent claims one
// wins). A record that no longer counts is deleted by its token first,
// so that of two claimants replacing it only one deletes it, and the
// insert is tried again.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, r *idempotency.Record, abandonedBefore time.Time) (_ *idempotency.Record, err error) {
	defer errs.Wrap(&err, "mongo: ClaimIdempotencyKey")
	coll := db.coll(collIdemKeys)
	id := idemID(r.UserID, r.Key)
	for attempt := 0; ; attempt++ {
		_, err := coll.InsertOne(ctx, idemDoc{ID: id, UserID: r.UserID, Key: r.Key, Token: r.Token, Fingerprint: r.Fingerprint,
			CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt})
		if err == nil {
			return nil, nil
		}
		if !isDup(err) {
			return nil, err
		}
		var d idemDoc
		err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
		if isNoDoc(err) && attempt < 3 { // released meanwhile
			continue
		}
		if err != nil {
			return nil, err
		}
		counts := d.ExpiresAt.After(r.CreatedAt) && (d.Done || !d.CreatedAt.Before(abandonedBefore))
		if counts || attempt >= 3 {
			return d.record(), nil
		}
		if _, err := coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "token", Value: d.Token}}); err != nil {
			return nil, err
		}
	}
}

// GetIdempotencyKey implements idempotency.Store.
func (db *DB) GetIdempotencyKey(ctx context.Context, userID, key string) (_ *idempotency.Record, err error) {
	defer errs.Wrap(&err, "mongo: GetIdempotencyKey")
	var d idemDoc
	err = db.coll(collIdemKeys).FindOne(ctx, bson.D{{Key: "_id", Value: idemID(userID, key)}}).Decode(&d)
	if isNoDoc(err) {
		return nil, errs.E(errs.NotFound, "idempotency key not found")
	}
	if err != nil {
		return nil, err
	}
	return d.record(), nil
}

// CompleteIdempotencyKey implements idempotency.Store.
func (db *DB) CompleteIdempotencyKey(ctx context.Context, userID, key, token string, a idempotency.Answer) (err error) {
	defer errs.Wrap(&err, "mongo: CompleteIdempotencyKey")
	body := a.Body
	if body == nil {
		body = []byte{}
	}
	res, err := db.coll(collIdemKeys).UpdateOne(ctx, bson.D{{Key: "_id", Value: idemID(userID, key)}, {Key: "token", Value: token}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "done", Value: true}, {Key: "status", Value: a.Status},
			{Key: "contentType", Value: a.ContentType}, {Key: "location", Value: a.Location}, {Key: "etag", Value: a.ETag},
			{Key: "body", Value: body}}}})
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return errs.E(errs.NotFound, "idempotency key not found")
	}
	return nil
}

// ReleaseIdempotencyKey implements idempotency.Store.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, userID, key, token string) (err error) {
	defer errs.Wrap(&err, "mongo: ReleaseIdempotencyKey")
	_, err = db.coll(collIdemKeys).DeleteOne(ctx, bson.D{{Key: "_id", Value: idemID(userID, key)}, {Key: "token", Value: token}, {Key: "done", Value: false}})
	return err
}

// DeleteExpiredIdempotencyKeys implements idempotency.Store, from
// idempotency_keys_expiry.
func (db *DB) DeleteExpiredIdempotencyKeys(ctx context.Context, before time.Time) (_ int, err error) {
	defer errs.Wrap(&err, "mongo: DeleteExpiredIdempotencyKeys")
	res, err := db.coll(collIdemKeys).DeleteMany(ctx, bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: before}}}})
	if err != nil {
		return 0, err
	}
	return int(res.DeletedCount), nil
}
