package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
)

// refreshDoc is a refresh token as stored; _id is the hash of the secret.
type refreshDoc struct {
	ID        string    `bson:"_id"`
	FamilyID  string    `bson:"familyId"`
	UserID    string    `bson:"userId"`
	CreatedAt time.Time `bson:"createdAt"`
	ExpiresAt time.Time `bson:"expiresAt"`
	Used      bool      `bson:"used"`
	Revoked   bool      `bson:"revoked"`
	// PurgeAt is when MongoDB deletes the token (TTL index
	// refresh_purge_ttl): a lifetime after it expired, as the purge does.
	PurgeAt time.Time `bson:"purgeAt"`
}

func (d *refreshDoc) token() *access.RefreshToken {
	return &access.RefreshToken{ID: d.ID, FamilyID: d.FamilyID, UserID: d.UserID,
		CreatedAt: utc(d.CreatedAt), ExpiresAt: utc(d.ExpiresAt), Used: d.Used, Revoked: d.Revoked}
}

// CreateRefreshToken implements access.RefreshStore.
func (db *DB) CreateRefreshToken(ctx context.Context, t *access.RefreshToken) (err error) {
	defer errs.Wrap(&err, "mongo: CreateRefreshToken")
	_, err = db.coll(collRefresh).InsertOne(ctx, refreshDoc{ID: t.ID, FamilyID: t.FamilyID, UserID: t.UserID,
		CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, Used: t.Used, Revoked: t.Revoked,
		PurgeAt: t.ExpiresAt.Add(t.ExpiresAt.Sub(t.CreatedAt))})
	if isDup(err) {
		return errs.E(errs.Conflict, "refresh token exists")
	}
	return err
}

// UseRefreshToken implements access.RefreshStore. Marking the token used
// is one findAndModify on {_id, used: false} that returns the document as
// it was, so of two concurrent uses exactly one gets it unused (on MongoDB;
// FerretDB v1 does not make findAndModify atomic).
func (db *DB) UseRefreshToken(ctx context.Context, id string) (_ *access.RefreshToken, _ bool, err error) {
	defer errs.Wrap(&err, "mongo: UseRefreshToken")
	coll := db.coll(collRefresh)
	var d refreshDoc
	err = coll.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: id}, {Key: "used", Value: false}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "used", Value: true}}}}).Decode(&d) // returns the document before
	if err == nil {
		return d.token(), false, nil
	}
	if !isNoDoc(err) {
		return nil, false, err
	}
	// Not there unused: either unknown or already used.
	err = coll.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if isNoDoc(err) {
		return nil, false, errs.E(errs.NotFound, "refresh token not found")
	}
	if err != nil {
		return nil, false, err
	}
	return d.token(), true, nil
}

// RevokeRefreshFamily implements access.RefreshStore.
func (db *DB) RevokeRefreshFamily(ctx context.Context, familyID string) (err error) {
	defer errs.Wrap(&err, "mongo: RevokeRefreshFamily %s", familyID)
	_, err = db.coll(collRefresh).UpdateMany(ctx, bson.D{{Key: "familyId", Value: familyID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked", Value: true}}}})
	return err
}

// RefreshFamilyRevoked implements access.RefreshStore, from
// refresh_family_revoked.
func (db *DB) RefreshFamilyRevoked(ctx context.Context, familyID string) (_ bool, err error) {
	defer errs.Wrap(&err, "mongo: RefreshFamilyRevoked %s", familyID)
	err = db.coll(collRefresh).FindOne(ctx, bson.D{{Key: "familyId", Value: familyID}, {Key: "revoked", Value: true}}).Err()
	if isNoDoc(err) {
		return false, nil
	}
	return err == nil, err
}

// RevokeUserRefreshTokens implements access.RefreshStore, from refresh_user.
func (db *DB) RevokeUserRefreshTokens(ctx context.Context, userID string) (err error) {
	defer errs.Wrap(&err, "mongo: RevokeUserRefreshTokens %s", userID)
	_, err = db.coll(collRefresh).UpdateMany(ctx, bson.D{{Key: "userId", Value: userID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoked", Value: true}}}})
	return err
}

// DeleteExpiredRefreshTokens implements access.RefreshStore, from
// refresh_expiry.
func (db *DB) DeleteExpiredRefreshTokens(ctx context.Context, before time.Time) (_ int, err error) {
	defer errs.Wrap(&err, "mongo: DeleteExpiredRefreshTokens")
	res, err := db.coll(collRefresh).DeleteMany(ctx, bson.D{{Key: "expiresAt", Value: bson.D{{Key: "$lt", Value: before}}}})
	if err != nil {
		return 0, err
	}
	return int(res.DeletedCount), nil
}
