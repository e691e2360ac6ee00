package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
)

// unitDoc is a unit as stored.
type unitDoc struct {
	ID string `bson:"_id"`
	// ParentID is "" for the root, never missing: FerretDB's unique indexes
	// accept many documents missing a field where MongoDB's refuse the
	// second, so (parentId, code) must always have a value to behave alike.
	ParentID   string       `bson:"parentId"`
	Level      units.Level  `bson:"level"`
	Name       string       `bson:"name"`
	Code       string       `bson:"code"`
	Path       []string     `bson:"path"` // unitpath.Path: root first, ending with the unit
	Status     units.Status `bson:"status"`
	MergedInto string       `bson:"mergedInto,omitempty"`
	ClosedAt   *time.Time   `bson:"closedAt,omitempty"`
	// Root is set on the root only; the sparse unique index
	// units_single_root then admits one root, like SQLite's partial index.
	Root      bool      `bson:"root,omitempty"`
	Version   int       `bson:"version"`
	CreatedAt time.Time `bson:"createdAt"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

func toUnitDoc(u *units.Unit) unitDoc {
	return unitDoc{
		ID: u.ID, ParentID: u.ParentID, Level: u.Level, Name: u.Name, Code: u.Code,
		Path: nonNil(u.Path), Status: u.Status, MergedInto: u.MergedInto, Root: u.ParentID == "",
		Version: u.Version, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, ClosedAt: closedAt(u),
	}
}

// closedAt is a unit's closing time as stored: absent while it is open.
func closedAt(u *units.Unit) *time.Time {
	if u.ClosedAt.IsZero() {
		return nil
	}
	return &u.ClosedAt
}

func (d *unitDoc) unit() *units.Unit {
	u := &units.Unit{
		ID: d.ID, ParentID: d.ParentID, Level: d.Level, Name: d.Name, Code: d.Code, Status: d.Status,
		MergedInto: d.MergedInto, Version: d.Version, CreatedAt: utc(d.CreatedAt), UpdatedAt: utc(d.UpdatedAt),
	}
	u.Path = d.Path
	if d.ClosedAt != nil {
		u.ClosedAt = utc(*d.ClosedAt)
	}
	return u
}

func codeConflict(code string) error {
	return errs.E(errs.Conflict, "a unit with code %q already exists under this parent", code)
}

// CreateUnit implements units.Store.
func (db *DB) CreateUnit(ctx context.Context, u *units.Unit) (err error) {
	defer errs.Wrap(&err, "mongo: CreateUnit %s", u.ID)
	defer db.forgetProvinces(u.Path) // after the insert: a list read meanwhile may miss it
	_, err = db.coll(collUnits).InsertOne(ctx, toUnitDoc(u))
	if isDup(err) { // the id, the sibling code or a second root
		return codeConflict(u.Code)
	}
	return err
}

func (db *DB) findUnit(ctx context.Context, filter bson.D, what, key string) (*units.Unit, error) {
	var d unitDoc
	err := db.coll(collUnits).FindOne(ctx, filter).Decode(&d)
	if isNoDoc(err) {
		return nil, notFound(what, key)
	}
	if err != nil {
		return nil, err
	}
	return d.unit(), nil
}

// GetUnit implements units.Store.
func (db *DB) GetUnit(ctx context.Context, id string) (_ *units.Unit, err error) {
	defer errs.Wrap(&err, "mongo: GetUnit %s", id)
	return db.findUnit(ctx, bson.D{{Key: "_id", Value: id}}, "unit", id)
}

// GetChildByCode implements units.Store.
func (db *DB) GetChildByCode(ctx context.Context, parentID, code string) (_ *units.Unit, err error) {
	defer errs.Wrap(&err, "mongo: GetChildByCode %s", parentID)
	return db.findUnit(ctx, bson.D{{Key: "parentId", Value: parentID}, {Key: "code", Value: code}}, "unit with code", code)
}

// UpdateUnit implements units.Store: one update guarded by the previous
// version, so a concurrent writer makes it match nothing instead of being
// overwritten.
func (db *DB) UpdateUnit(ctx context.Context, u *units.Unit) (err error) {
	defer errs.Wrap(&err, "mongo: UpdateUnit %s", u.ID)
	defer db.forgetProvinces(u.Path) // a move's last step gives a province its parent
	set := bson.D{
		{Key: "parentId", Value: u.ParentID}, {Key: "path", Value: nonNil(u.Path)},
		{Key: "name", Value: u.Name}, {Key: "code", Value: u.Code}, {Key: "status", Value: u.Status},
		{Key: "version", Value: u.Version}, {Key: "updatedAt", Value: u.UpdatedAt},
	}
	var unset bson.D
	if u.MergedInto != "" {
		set = append(set, bson.E{Key: "mergedInto", Value: u.MergedInto})
	} else {
		unset = append(unset, bson.E{Key: "mergedInto", Value: ""})
	}
	if at := closedAt(u); at != nil {
		set = append(set, bson.E{Key: "closedAt", Value: *at})
	} else {
		unset = append(unset, bson.E{Key: "closedAt", Value: ""})
	}
	update := bson.D{{Key: "$set", Value: set}}
	if len(unset) > 0 {
		update = append(update, bson.E{Key: "$unset", Value: unset})
	}
	res, err := db.coll(collUnits).UpdateOne(ctx, bson.D{{Key: "_id", Value: u.ID}, {Key: "version", Value: u.Version - 1}}, update)
	if isDup(err) {
		return codeConflict(u.Code)
	}
	if err != nil {
		return db.siblingHoldsCode(ctx, u, err)
	}
	if res.MatchedCount == 1 {
		return nil
	}
	return errs.SwapMissed("unit", u.ID, u.Version-1, func() (int, error) {
		cur, err := db.GetUnit(ctx, u.ID)
		if err != nil {
			return 0, err
		}
		return cur.Version, nil
	})
}

// siblingHoldsCode classifies a failed update by the state it left rather
// than by the error: a conflict when another child of the parent holds the
// code. MongoDB reports a duplicate key for it, but FerretDB v1 (the test
// peer) answers an update that breaks a unique index with InternalError,
// code 1 (its SQLite backend's UpdateAll does not map the constraint error
// as its InsertAll does); this keeps the two alike at no cost on the path
// that succeeds.
func (db *DB) siblingHoldsCode(ctx context.Context, u *units.Unit, updateErr error) error {
	holder, err := db.GetChildByCode(ctx, u.ParentID, u.Code)
	if err == nil && holder.ID != u.ID {
		return codeConflict(u.Code)
	}
	return updateErr
}

// ListChildren implements units.Store; the cursor is the last code.
func (db *DB) ListChildren(ctx context.Context, parentID string, p page.Request) (_ page.Result[*units.Unit], err error) {
	defer errs.Wrap(&err, "mongo: ListChildren %s", parentID)
	var res page.Result[*units.Unit]
	k, err := page.Seek(p)
	if err != nil {
		return res, err
	}
	cur, err := db.coll(collUnits).Find(ctx,
		bson.D{{Key: "parentId", Value: parentID}, {Key: "code", Value: bson.D{{Key: "$gt", Value: k.After}}}},
		options.Find().SetSort(bson.D{{Key: "code", Value: 1}}).SetLimit(int64(k.Fetch())))
	if err != nil {
		return res, err
	}
	var docs []unitDoc
	if err := cur.All(ctx, &docs); err != nil {
		return res, err
	}
	var items []*units.Unit
	for i := range docs {
		items = append(items, docs[i].unit())
	}
	return page.Cut(k, items, func(i int) string { return items[i].Code }), nil
}
