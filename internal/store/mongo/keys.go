package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
)

// keyDoc is a signing key as stored; the private key is BSON binary.
type keyDoc struct {
	ID         string    `bson:"_id"`
	Algorithm  string    `bson:"algorithm"`
	PrivateKey []byte    `bson:"privateKey"`
	CreatedAt  time.Time `bson:"createdAt"`
}

// CreateSigningKey implements access.KeyStore.
func (db *DB) CreateSigningKey(ctx context.Context, k *access.SigningKey) (err error) {
	defer errs.Wrap(&err, "mongo: CreateSigningKey")
	_, err = db.coll(collKeys).InsertOne(ctx, keyDoc{ID: k.ID, Algorithm: k.Algorithm, PrivateKey: k.PrivateKey, CreatedAt: k.CreatedAt})
	if isDup(err) {
		return errs.E(errs.Conflict, "signing key %s exists", k.ID)
	}
	return err
}

// ListSigningKeys implements access.KeyStore: oldest first, in the order of
// the signing_keys_created index.
func (db *DB) ListSigningKeys(ctx context.Context) (_ []*access.SigningKey, err error) {
	defer errs.Wrap(&err, "mongo: ListSigningKeys")
	cur, err := db.coll(collKeys).Find(ctx, bson.D{},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var docs []keyDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]*access.SigningKey, 0, len(docs))
	for _, d := range docs {
		out = append(out, &access.SigningKey{ID: d.ID, Algorithm: d.Algorithm, PrivateKey: d.PrivateKey, CreatedAt: utc(d.CreatedAt)})
	}
	return out, nil
}
