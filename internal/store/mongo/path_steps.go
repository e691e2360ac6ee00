package mongo

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/access"
)

// Issue 16.2: every record that knows where a unit stands carries its
// unitpath.Path under one name, "path". Before, units kept "ancestors" (the
// path without the unit), members "ancestors" (the branch's path), boards
// and grants "unitPath". These steps move documents stored before to the
// one name, then drop the indexes on the old field. They must run before
// the search-key step, which reads the path.

// pathSteps are the data steps of the one path, in order.
func pathSteps() []migration {
	return []migration{
		{name: "data units.path", run: func(ctx context.Context, db *driver.Database) error {
			return renameField(ctx, db.Collection(collUnits), "ancestors", func(id string, old bson.RawValue) (bson.D, bool) {
				anc, ok := stringsOf(old)
				return bson.D{{Key: "path", Value: append(anc, id)}}, ok
			})
		}},
		{name: "data members.path", run: func(ctx context.Context, db *driver.Database) error {
			return renameField(ctx, db.Collection(collMembers), "ancestors", func(_ string, old bson.RawValue) (bson.D, bool) {
				p, ok := stringsOf(old)
				return bson.D{{Key: "path", Value: p}}, ok
			})
		}},
		{name: "data officerBoards.path", run: func(ctx context.Context, db *driver.Database) error {
			return renameField(ctx, db.Collection(collBoards), "unitPath", func(_ string, old bson.RawValue) (bson.D, bool) {
				p, ok := stringsOf(old)
				return bson.D{{Key: "path", Value: p}}, ok
			})
		}},
		{name: "data users.grants.path", run: func(ctx context.Context, db *driver.Database) error {
			return renameField(ctx, db.Collection(collUsers), "grants", func(_ string, old bson.RawValue) (bson.D, bool) {
				var gs []struct {
					Role     string   `bson:"role"`
					UnitID   string   `bson:"unitId"`
					UnitPath []string `bson:"unitPath"`
					Path     []string `bson:"path"`
				}
				if old.Unmarshal(&gs) != nil {
					return nil, false
				}
				out, changed := make([]grantDoc, 0, len(gs)), false
				for _, g := range gs {
					if g.Path == nil {
						g.Path, changed = g.UnitPath, true
					}
					out = append(out, grantDoc{Role: access.Role(g.Role), UnitID: g.UnitID, Path: nonNil(g.Path)})
				}
				return bson.D{{Key: "grants", Value: out}}, changed
			})
		}},
		{name: "drop index members.members_ancestors_status_sort", run: dropIndex(collMembers, "members_ancestors_status_sort")},
		{name: "drop index units.units_ancestors_level_created", run: dropIndex(collUnits, "units_ancestors_level_created")},
	}
}

// renameField walks coll in _id order, a page at a time (an _id range, as
// the index checker wants), and for every document holding field sets what
// set returns and unsets field (unless field is what set writes). Each
// update is guarded by the field's old value, so a document written
// meanwhile in the new shape is left alone, and running the step again
// changes nothing: it is idempotent, as Mongo steps must be.
func renameField(ctx context.Context, coll *driver.Collection, field string, set func(id string, old bson.RawValue) (bson.D, bool)) error {
	o := options.Find().SetProjection(bson.D{{Key: field, Value: 1}}).SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(500)
	if coll.Name() == collMembers {
		o.SetComment(ScatterComment("members.migration-walk")) // as walkMembers
	}
	for last := ""; ; {
		cur, err := coll.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: last}}}}, o)
		if err != nil {
			return err
		}
		var docs []bson.Raw
		if err := cur.All(ctx, &docs); err != nil {
			return err
		}
		if len(docs) == 0 {
			return nil
		}
		var batch []driver.WriteModel
		for _, d := range docs {
			id, _ := d.Lookup("_id").StringValueOK()
			last = id
			old, err := d.LookupErr(field)
			if err != nil {
				continue // already in the new shape
			}
			upd, ok := set(id, old)
			if !ok {
				continue
			}
			update := bson.D{{Key: "$set", Value: upd}}
			if upd[0].Key != field {
				update = append(update, bson.E{Key: "$unset", Value: bson.D{{Key: field, Value: ""}}})
			}
			batch = append(batch, driver.NewUpdateOneModel().
				SetFilter(bson.D{{Key: "_id", Value: id}, {Key: field, Value: old}}).SetUpdate(update))
		}
		if len(batch) > 0 {
			if _, err := coll.BulkWrite(ctx, batch, options.BulkWrite().SetOrdered(false)); err != nil {
				return err
			}
		}
	}
}

// stringsOf reads an array of strings; ok is false for anything else.
func stringsOf(v bson.RawValue) ([]string, bool) {
	var out []string
	if v.Unmarshal(&out) != nil {
		return nil, false
	}
	return nonNil(out), true
}

// dropIndex drops an index that may already be gone.
func dropIndex(coll, name string) func(ctx context.Context, db *driver.Database) error {
	return func(ctx context.Context, db *driver.Database) error {
		err := db.Collection(coll).Indexes().DropOne(ctx, name)
		var se driver.ServerError
		if err != nil && errors.As(err, &se) && (se.HasErrorCode(codeIndexNotFound) || se.HasErrorCode(codeNamespaceNotFound)) {
			return nil
		}
		return err
	}
}

// Server error codes of dropping an index that is not there.
const (
	codeNamespaceNotFound = 26
	codeIndexNotFound     = 27
)
