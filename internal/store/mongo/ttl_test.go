package mongo_test

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/sohoi/sohoi/internal/access"
)

// MongoDB deletes a refresh token by the TTL index on purgeAt, a whole
// token lifetime after it expired: the grace the hourly purge keeps, so
// that replaying a used token still revokes its login until then.
func TestRefreshTokensCarryTheirPurgeDate(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	db := openStoreIn(t, ferretURI, name, nil)
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tok := &access.RefreshToken{ID: "t1", FamilyID: "f1", UserID: "u1", CreatedAt: created, ExpiresAt: created.Add(720 * time.Hour)}
	if err := db.CreateRefreshToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		PurgeAt time.Time `bson:"purgeAt"`
	}
	raw := connect(t, ferretURI).Database(name)
	if err := raw.Collection("refreshTokens").FindOne(ctx, bson.D{{Key: "_id", Value: "t1"}}).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if want := created.Add(1440 * time.Hour); !doc.PurgeAt.Equal(want) {
		t.Errorf("purgeAt %v, want %v", doc.PurgeAt, want)
	}
}
