package mongo

import (
	"context"
	"encoding/json"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/scholarships"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// An award is one document; a fund entry pays one award at most (the
// sparse unique index on fundEntry, absent for an award in kind).
type awardDoc struct {
	ID        string   `bson:"_id"`
	UnitID    string   `bson:"unitId"`
	Path      []string `bson:"path"`
	FundEntry string   `bson:"fundEntry,omitempty"`
	ListKey   string   `bson:"listKey"` // scholarships.ListKey
	Doc       string   `bson:"doc"`
}

// CreateAward implements scholarships.Store.
func (db *DB) CreateAward(ctx context.Context, a *scholarships.Award) (err error) {
	defer errs.Wrap(&err, "mongo: CreateAward %s", a.ID)
	b, err := json.Marshal(a)
	if err != nil {
		return err
	}
	_, err = db.coll(collAwards).InsertOne(ctx, awardDoc{ID: a.ID, UnitID: a.UnitID, Path: nonNil(a.Path), FundEntry: a.FundEntry,
		ListKey: scholarships.ListKey(a), Doc: string(b)})
	if isDup(err) {
		return errs.E(errs.Conflict, "award %s: its id is taken, or fund entry %s already paid another award", a.ID, a.FundEntry)
	}
	return err
}

// awardsColl reads the awards (dated.go).
var awardsColl = dated[scholarships.Award]{coll: collAwards, kind: "award",
	setPath: func(a *scholarships.Award, p unitpath.Path) { a.Path = p }, listKey: scholarships.ListKey}

// GetAward implements scholarships.Store.
func (db *DB) GetAward(ctx context.Context, id string) (_ *scholarships.Award, err error) {
	defer errs.Wrap(&err, "mongo: GetAward %s", id)
	return awardsColl.get(ctx, db, id)
}

// AwardsAt implements scholarships.Store.
func (db *DB) AwardsAt(ctx context.Context, unitID string, to civil.Date) (_ []*scholarships.Award, err error) {
	defer errs.Wrap(&err, "mongo: AwardsAt %s", unitID)
	return awardsColl.at(ctx, db, unitID, to)
}

// ListAwards implements scholarships.Store.
func (db *DB) ListAwards(ctx context.Context, top unitpath.Path, from, to civil.Date, p page.Request) (_ page.Result[*scholarships.Award], err error) {
	defer errs.Wrap(&err, "mongo: ListAwards %v", top)
	return awardsColl.list(ctx, db, top, from, to, p)
}
