package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
)

// What backup.Extra asks of a store: a list of every account, and writes
// that keep records as they were, for a restore into an empty database.
// Each is one command per call, and safe to run again only on an empty
// database, which is what the restore asks for.

// AllUsers implements backup.Extra.
func (db *DB) AllUsers(ctx context.Context, after string, limit int) (_ []*access.User, err error) {
	defer errs.Wrap(&err, "mongo: AllUsers")
	docs, err := afterID[userDoc](ctx, db.coll(collUsers), after, limit)
	us := make([]*access.User, len(docs))
	for i := range docs {
		us[i] = docs[i].user()
	}
	return us, err
}

// AllRefreshTokens implements backup.Extra.
func (db *DB) AllRefreshTokens(ctx context.Context, after string, limit int) (_ []*access.RefreshToken, err error) {
	defer errs.Wrap(&err, "mongo: AllRefreshTokens")
	docs, err := afterID[refreshDoc](ctx, db.coll(collRefresh), after, limit)
	ts := make([]*access.RefreshToken, len(docs))
	for i := range docs {
		ts[i] = docs[i].token()
	}
	return ts, err
}

// afterID reads up to limit documents of c with _id above after, by _id
// (the _id index).
func afterID[D any](ctx context.Context, c *driver.Collection, after string, limit int) ([]D, error) {
	cur, err := c.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, err
	}
	var docs []D
	err = cur.All(ctx, &docs)
	return docs, err
}

// RestoreMembers implements backup.Extra: the claims of the active
// national IDs first, as every create makes them (a second holder of an
// ID in the file is refused there), then each member with its history as
// one document, as CreateMember writes it. The claims' deadline is the
// restore's time, past at once, as buildClaims makes them: a claim is
// never stale while its member holds the ID.
func (db *DB) RestoreMembers(ctx context.Context, ms []*members.Member, histories [][]*members.Event) (err error) {
	defer errs.Wrap(&err, "mongo: RestoreMembers (%d)", len(ms))
	at := db.now().UTC().Truncate(time.Millisecond)
	var claims []any
	for _, m := range ms {
		if id := m.ActiveNationalID(); id != "" {
			claims = append(claims, claimDoc{ID: id, MemberID: m.ID, Province: provinceOf(m), Until: at, Token: newToken()})
		}
	}
	if len(claims) > 0 {
		if _, err := db.coll(collNationalIDs).InsertMany(ctx, claims); isDup(err) {
			return errs.E(errs.DuplicateNationalID, "two active members of the backup hold one national ID")
		} else if err != nil {
			return err
		}
	}
	docs := make([]any, len(ms))
	lives := make([]*memberDoc, len(ms))
	for i, m := range ms {
		h := make([]eventDoc, len(histories[i]))
		for j, ev := range histories[i] {
			h[j] = toEventDoc(ev)
		}
		d := newMemberDoc(m, h)
		docs[i], lives[i] = d, &d
	}
	if _, err = db.coll(collMembers).InsertMany(ctx, docs); err != nil {
		return err
	}
	// The stubs in the provinces the members left (the units are restored
	// before them), as their moves made them.
	stubs, err := stubsOf(ctx, db.db, lives)
	if err != nil {
		return err
	}
	return insertNew(ctx, db.coll(collMembers), stubs)
}

// RestoreBoard implements backup.Extra.
func (db *DB) RestoreBoard(ctx context.Context, b *officers.Board) (err error) {
	defer errs.Wrap(&err, "mongo: RestoreBoard %s", b.UnitID)
	_, err = db.coll(collBoards).InsertOne(ctx, boardDoc{UnitID: b.UnitID, Path: nonNil(b.Path), Version: b.Version, Posts: postDocs(b.Posts)})
	return err
}

// RestoreAudit implements backup.Extra: the entries as they are, then the
// sequence moved up to the last of them (never down).
func (db *DB) RestoreAudit(ctx context.Context, es []*audit.Entry) (err error) {
	defer errs.Wrap(&err, "mongo: RestoreAudit (%d)", len(es))
	docs := make([]any, len(es))
	for i, e := range es {
		docs[i] = toAuditDoc(e)
	}
	if _, err := db.coll(collAudit).InsertMany(ctx, docs); err != nil {
		return err
	}
	_, err = db.coll(collAuditSeq).UpdateOne(ctx, bson.D{{Key: "_id", Value: auditSeqID}},
		bson.D{{Key: "$max", Value: bson.D{{Key: "seq", Value: es[len(es)-1].Seq}}}}, options.UpdateOne().SetUpsert(true))
	return err
}
