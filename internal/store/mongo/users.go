package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/page"
)

type grantDoc struct {
	Role   access.Role `bson:"role"`
	UnitID string      `bson:"unitId"`
	Path   []string    `bson:"path"`
}

// userDoc is a user as stored.
type userDoc struct {
	ID           string     `bson:"_id"`
	Username     string     `bson:"username"`
	DisplayName  string     `bson:"displayName"`
	PasswordHash string     `bson:"passwordHash"`
	Grants       []grantDoc `bson:"grants"`
	// GrantUnits is every unit on the path of every grant, once: "users
	// with a grant below X" is then {grantUnits: X}, one multikey index
	// lookup. It is written with the grants in the same single-document
	// write, so the two never disagree.
	GrantUnits []string  `bson:"grantUnits"`
	Version    int       `bson:"version"`
	Disabled   bool      `bson:"disabled"` // absent (older documents): false
	CreatedAt  time.Time `bson:"createdAt"`
	UpdatedAt  time.Time `bson:"updatedAt"`
}

func grantDocs(gs []access.Grant) (docs []grantDoc, unitIDs []string) {
	docs = []grantDoc{}
	for _, g := range gs {
		docs = append(docs, grantDoc{Role: g.Role, UnitID: g.UnitID, Path: nonNil(g.Path)})
	}
	return docs, access.GrantUnits(gs)
}

func toUserDoc(u *access.User) userDoc {
	grants, unitIDs := grantDocs(u.Grants)
	return userDoc{
		ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, PasswordHash: u.PasswordHash,
		Grants: grants, GrantUnits: unitIDs, Version: u.Version, Disabled: u.Disabled, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt,
	}
}

func (d *userDoc) user() *access.User {
	u := &access.User{
		ID: d.ID, Username: d.Username, DisplayName: d.DisplayName, PasswordHash: d.PasswordHash,
		Version: d.Version, Disabled: d.Disabled, CreatedAt: utc(d.CreatedAt), UpdatedAt: utc(d.UpdatedAt),
	}
	for _, g := range d.Grants {
		u.Grants = append(u.Grants, access.Grant{Role: g.Role, UnitID: g.UnitID, Path: g.Path})
	}
	return u
}

// CreateUser implements access.UserStore.
func (db *DB) CreateUser(ctx context.Context, u *access.User) (err error) {
	defer errs.Wrap(&err, "mongo: CreateUser %s", u.ID)
	_, err = db.coll(collUsers).InsertOne(ctx, toUserDoc(u))
	if isDup(err) {
		return errs.E(errs.Conflict, "the username %q is taken", u.Username)
	}
	return err
}

func (db *DB) findUser(ctx context.Context, filter bson.D) (*access.User, error) {
	var d userDoc
	err := db.coll(collUsers).FindOne(ctx, filter).Decode(&d)
	if isNoDoc(err) {
		return nil, errs.E(errs.NotFound, "user not found")
	}
	if err != nil {
		return nil, err
	}
	return d.user(), nil
}

// GetUser implements access.UserStore.
func (db *DB) GetUser(ctx context.Context, id string) (_ *access.User, err error) {
	defer errs.Wrap(&err, "mongo: GetUser %s", id)
	return db.findUser(ctx, bson.D{{Key: "_id", Value: id}})
}

// GetUserByUsername implements access.UserStore.
func (db *DB) GetUserByUsername(ctx context.Context, username string) (_ *access.User, err error) {
	defer errs.Wrap(&err, "mongo: GetUserByUsername %s", username)
	return db.findUser(ctx, bson.D{{Key: "username", Value: username}})
}

// UpdateUser implements access.UserStore: one update guarded by the
// previous version. The username is not changed, as in the SQLite store.
func (db *DB) UpdateUser(ctx context.Context, u *access.User) (err error) {
	defer errs.Wrap(&err, "mongo: UpdateUser %s", u.ID)
	grants, unitIDs := grantDocs(u.Grants)
	res, err := db.coll(collUsers).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: u.ID}, {Key: "version", Value: u.Version - 1}},
		bson.D{{Key: "$set", Value: bson.D{
			{Key: "displayName", Value: u.DisplayName}, {Key: "passwordHash", Value: u.PasswordHash},
			{Key: "grants", Value: grants}, {Key: "grantUnits", Value: unitIDs},
			{Key: "version", Value: u.Version}, {Key: "updatedAt", Value: u.UpdatedAt}, {Key: "disabled", Value: u.Disabled},
		}}})
	if err != nil {
		return err
	}
	if res.MatchedCount == 1 {
		return nil
	}
	return errs.SwapMissed("user", u.ID, u.Version-1, func() (int, error) {
		cur, err := db.GetUser(ctx, u.ID)
		if err != nil {
			return 0, err
		}
		return cur.Version, nil
	})
}

// DeleteUser implements access.UserStore.
func (db *DB) DeleteUser(ctx context.Context, id string) (err error) {
	defer errs.Wrap(&err, "mongo: DeleteUser %s", id)
	res, err := db.coll(collUsers).DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return err
	}
	if res.DeletedCount == 0 {
		return errs.E(errs.NotFound, "user not found")
	}
	return nil
}

// ListUsers implements access.UserStore; the cursor is the last username.
func (db *DB) ListUsers(ctx context.Context, underUnits []string, p page.Request) (_ page.Result[*access.User], err error) {
	defer errs.Wrap(&err, "mongo: ListUsers")
	var res page.Result[*access.User]
	k, err := page.Seek(p) // no units: $in [] matches nobody
	if err != nil {
		return res, err
	}
	cur, err := db.coll(collUsers).Find(ctx,
		bson.D{
			{Key: "grantUnits", Value: bson.D{{Key: "$in", Value: nonNil(underUnits)}}},
			{Key: "username", Value: bson.D{{Key: "$gt", Value: k.After}}},
		},
		options.Find().SetSort(bson.D{{Key: "username", Value: 1}}).SetLimit(int64(k.Fetch())))
	if err != nil {
		return res, err
	}
	var docs []userDoc
	if err := cur.All(ctx, &docs); err != nil {
		return res, err
	}
	var items []*access.User
	for i := range docs {
		items = append(items, docs[i].user())
	}
	return page.Cut(k, items, func(i int) string { return items[i].Username }), nil
}

// HasUsers implements access.UserStore: the first _id, read from the _id
// index alone.
func (db *DB) HasUsers(ctx context.Context) (_ bool, err error) {
	defer errs.Wrap(&err, "mongo: HasUsers")
	err = db.coll(collUsers).FindOne(ctx, bson.D{},
		options.FindOne().SetSort(bson.D{{Key: "_id", Value: 1}}).SetProjection(bson.D{{Key: "_id", Value: 1}})).Err()
	if isNoDoc(err) {
		return false, nil
	}
	return err == nil, err
}
