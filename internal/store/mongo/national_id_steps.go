package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// nationalIDSteps move the rule "one active holder per national ID" from
// the unique index members_active_national_id to the claims of
// nationalIds (national_ids.go; docs/sharding.md §5.1, §9): build a claim
// for every active member with an ID, then drop the index. The index
// guaranteed one holder per ID, so there is nothing to arbitrate. Stop
// every older sohoi before the first start of this one: an older one
// creates members without claims.
func nationalIDSteps() []migration {
	return []migration{
		{name: "data nationalIds from members", run: buildClaims},
		{name: "drop index members.members_active_national_id", run: dropIndex(collMembers, "members_active_national_id")},
	}
}

// buildClaims inserts the claim of each member holding an active national
// ID, a page of members at a time. Idempotent: a claim already there (a
// step run again, or a member created meanwhile by this sohoi) is a
// duplicate key, and the unordered insert goes on past it. The claims'
// deadline is the step's time: past at once, as a claim made when the
// member joined would be, and never stale while the member holds the ID.
func buildClaims(ctx context.Context, db *driver.Database) error {
	type holder struct {
		ID       string   `bson:"_id"`
		MemberID string   `bson:"memberId"` // in the layout by province (member_steps.go), which runs after
		Active   string   `bson:"activeNationalId"`
		Path     []string `bson:"path"`
	}
	at := time.Now().UTC().Truncate(time.Millisecond)
	claims := db.Collection(collNationalIDs)
	return walkMembers(ctx, db, bson.D{{Key: "activeNationalId", Value: 1}, {Key: "path", Value: 1}, {Key: "memberId", Value: 1}},
		func(d holder) string { return d.ID },
		func(page []holder) error {
			var docs []any
			for _, d := range page {
				if d.Active == "" {
					continue
				}
				province := ""
				if len(d.Path) > 1 {
					province = d.Path[1]
				}
				id := d.ID
				if d.MemberID != "" {
					id = d.MemberID
				}
				docs = append(docs, claimDoc{ID: d.Active, MemberID: id, Province: province, Until: at, Token: newToken()})
			}
			if len(docs) == 0 {
				return nil
			}
			_, err := claims.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
			_, err = dupIndexes(err) // already claimed: built before
			return err
		})
}
