package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/officers"
)

// A unit's board is one document, _id = the unit, so that rules across its
// posts (one chair at a time) hold under a compare-and-swap on its version,
// without transactions.

type boardDoc struct {
	UnitID  string    `bson:"_id"`
	Path    []string  `bson:"path"`
	Version int       `bson:"version"`
	Posts   []postDoc `bson:"posts"`
}

// postDoc is an officers.Officer as stored, named as in its JSON. Dates are
// "YYYY-MM-DD", "" when not given.
type postDoc struct {
	ID        string            `bson:"id"`
	MemberID  string            `bson:"memberId"`
	FullName  string            `bson:"fullName"`
	Position  officers.Position `bson:"position"`
	TermLabel string            `bson:"termLabel"`
	From      string            `bson:"from"`
	To        string            `bson:"to"`
	Version   int               `bson:"version"`
	CreatedAt time.Time         `bson:"createdAt"`
	UpdatedAt time.Time         `bson:"updatedAt"`
}

func postDocs(ps []*officers.Officer) []postDoc {
	out := make([]postDoc, 0, len(ps))
	for _, p := range ps {
		out = append(out, postDoc{ID: p.ID, MemberID: p.MemberID, FullName: p.FullName, Position: p.Position,
			TermLabel: p.TermLabel, From: p.From.String(), To: p.To.String(), Version: p.Version,
			CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt})
	}
	return out
}

func (d *boardDoc) board() *officers.Board {
	b := &officers.Board{UnitID: d.UnitID, Version: d.Version}
	if len(d.Path) > 0 {
		b.Path = d.Path
	}
	for _, p := range d.Posts {
		b.Posts = append(b.Posts, &officers.Officer{ID: p.ID, MemberID: p.MemberID, FullName: p.FullName, Position: p.Position,
			TermLabel: p.TermLabel, From: dateOf(p.From), To: dateOf(p.To), Version: p.Version,
			CreatedAt: utc(p.CreatedAt), UpdatedAt: utc(p.UpdatedAt)})
	}
	return b
}

// GetBoard implements officers.Store; a unit never saved has an empty
// board at version 0.
func (db *DB) GetBoard(ctx context.Context, unitID string) (_ *officers.Board, err error) {
	defer errs.Wrap(&err, "mongo: GetBoard %s", unitID)
	var d boardDoc
	err = db.coll(collBoards).FindOne(ctx, bson.D{{Key: "_id", Value: unitID}}).Decode(&d)
	if isNoDoc(err) {
		return &officers.Board{UnitID: unitID}, nil
	}
	if err != nil {
		return nil, err
	}
	return d.board(), nil
}

// SaveBoard implements officers.Store. Version 1 is an insert, which the
// _id index refuses if another writer saved a first version meanwhile;
// later versions are one update guarded by the previous version.
func (db *DB) SaveBoard(ctx context.Context, b *officers.Board) (err error) {
	defer errs.Wrap(&err, "mongo: SaveBoard %s", b.UnitID)
	mismatch := errs.E(errs.VersionMismatch, "the posts of unit %s changed meanwhile", b.UnitID)
	coll := db.coll(collBoards)
	if b.Version == 1 {
		_, err := coll.InsertOne(ctx, boardDoc{UnitID: b.UnitID, Path: nonNil(b.Path), Version: 1, Posts: postDocs(b.Posts)})
		if isDup(err) {
			return mismatch
		}
		return err
	}
	res, err := coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: b.UnitID}, {Key: "version", Value: b.Version - 1}},
		bson.D{{Key: "$set", Value: bson.D{
			{Key: "path", Value: nonNil(b.Path)}, {Key: "version", Value: b.Version}, {Key: "posts", Value: postDocs(b.Posts)},
		}}})
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return mismatch
	}
	return nil
}

// BoardOfOfficer implements officers.Store, from the multikey index
// officer_boards_post_id.
func (db *DB) BoardOfOfficer(ctx context.Context, officerID string) (_ string, err error) {
	defer errs.Wrap(&err, "mongo: BoardOfOfficer %s", officerID)
	var d struct {
		UnitID string `bson:"_id"`
	}
	err = db.coll(collBoards).FindOne(ctx, bson.D{{Key: "posts.id", Value: officerID}},
		options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Decode(&d)
	if isNoDoc(err) {
		return "", errs.E(errs.NotFound, "officer not found")
	}
	if err != nil {
		return "", err
	}
	return d.UnitID, nil
}
