package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// RewritePaths implements units.PathRewriter without transactions: each
// step reads a page of one kind by the moved unit's id in its path (in
// _id order, or the order of an index the kind already has: the cursor)
// and rewrites each document in one bulk write, each update guarded by
// what was read. A document already rewritten is skipped; one changed
// between the read and the write is not matched, and the page is read
// again (the cursor stays) so it follows too.
func (db *DB) RewritePaths(ctx context.Context, from, to unitpath.Path, after string, limit int) (next string, err error) {
	defer errs.Wrap(&err, "mongo: RewritePaths %v to %v after %q", from, to, after)
	defer db.forgetProvinces(from, to) // a unit made or unmade a province
	return units.RunRewrite(ctx, from, to, after, limit, []units.RewriteKind{
		{Name: "units", Step: db.rewriteByID(collUnits, true)},
		{Name: "boards", Step: db.rewriteByID(collBoards, true)},
		{Name: "counters", Step: db.rewriteByProvince(collCounters)},
		{Name: "marks", Step: db.rewriteByProvince(collMarks)},
		{Name: "users", Step: db.rewriteGrants},
		{Name: "members", Step: db.rewriteMembers},
		{Name: "member stubs", Step: db.rewriteMemberStubs},
		// Issue 20's records (recognitions.go, evidence.go, fund.go, awards.go).
		{Name: "recognitions", Step: db.rewriteByID(collRecognitions, true)},
		{Name: "evidence links", Step: db.rewriteByID(collEvidenceLinks, false)},
		{Name: "fund entries", Step: db.rewriteByID(collFund, false)},
		{Name: "awards", Step: db.rewriteByID(collAwards, false)},
	})
}

// rewriteByID rewrites the path of the documents of coll below the moved
// unit, in _id order (the index <coll>_path_id). Each update is guarded by
// the old path: a compare-and-swap that wrote meanwhile wrote the same
// path, and one prepared before fails on the bumped version.
func (db *DB) rewriteByID(coll string, bump bool) func(context.Context, unitpath.Path, unitpath.Path, string, int) (string, int, error) {
	return func(ctx context.Context, from, to unitpath.Path, after string, limit int) (string, int, error) {
		cur, err := db.coll(coll).Find(ctx, bson.D{{Key: "path", Value: from.Unit()}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}},
			options.Find().SetProjection(bson.D{{Key: "path", Value: 1}}).SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
		if err != nil {
			return "", 0, err
		}
		var docs []struct {
			ID   string        `bson:"_id"`
			Path unitpath.Path `bson:"path"`
		}
		if err := cur.All(ctx, &docs); err != nil {
			return "", 0, err
		}
		var batch []driver.WriteModel
		last := after
		for _, d := range docs {
			last = d.ID
			moved, ok := d.Path.Rebase(from, to)
			if !ok {
				continue
			}
			update := bson.D{{Key: "$set", Value: bson.D{{Key: "path", Value: moved}}}}
			if bump {
				update = append(update, bson.E{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}})
			}
			batch = append(batch, driver.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: d.ID}, {Key: "path", Value: d.Path}}).SetUpdate(update))
		}
		if err := bulk(ctx, db.coll(coll), batch); err != nil {
			return "", 0, err
		}
		return last, len(docs), nil
	}
}

// rewriteGrants rewrites the grants of users filed under the moved unit,
// in username order (users_grant_units_username), each guarded by its
// version.
func (db *DB) rewriteGrants(ctx context.Context, from, to unitpath.Path, after string, limit int) (string, int, error) {
	cur, err := db.coll(collUsers).Find(ctx, bson.D{{Key: "grantUnits", Value: from.Unit()}, {Key: "username", Value: bson.D{{Key: "$gt", Value: after}}}},
		options.Find().SetProjection(bson.D{{Key: "username", Value: 1}, {Key: "grants", Value: 1}, {Key: "version", Value: 1}}).
			SetSort(bson.D{{Key: "username", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return "", 0, err
	}
	var docs []userDoc
	if err := cur.All(ctx, &docs); err != nil {
		return "", 0, err
	}
	var batch []driver.WriteModel
	last := after
	for _, d := range docs {
		last = d.Username
		gs := make([]access.Grant, len(d.Grants))
		for i, g := range d.Grants {
			gs[i] = access.Grant{Role: g.Role, UnitID: g.UnitID, Path: g.Path}
		}
		gs, changed := access.RebaseGrants(gs, from, to)
		if !changed {
			continue
		}
		grants, unitIDs := grantDocs(gs)
		batch = append(batch, driver.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: d.ID}, {Key: "version", Value: d.Version}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "grants", Value: grants}, {Key: "grantUnits", Value: unitIDs}}},
				{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}))
	}
	return again(ctx, db.coll(collUsers), batch, after, last, len(docs), limit)
}

// again writes batch and moves the cursor on to last, or, when a document
// changed since it was read, keeps it at after with a full page so that
// the same page is read and rewritten again.
func again(ctx context.Context, coll *driver.Collection, batch []driver.WriteModel, after, last string, n, limit int) (string, int, error) {
	if len(batch) == 0 {
		return last, n, nil
	}
	res, err := coll.BulkWrite(ctx, batch, options.BulkWrite().SetOrdered(false))
	if err != nil {
		return "", 0, err
	}
	if int(res.MatchedCount) < len(batch) {
		return after, max(n, limit), nil
	}
	return last, n, nil
}

// bulk writes batch, unordered; an empty batch is no command.
func bulk(ctx context.Context, coll *driver.Collection, batch []driver.WriteModel) error {
	if len(batch) == 0 {
		return nil
	}
	_, err := coll.BulkWrite(ctx, batch, options.BulkWrite().SetOrdered(false))
	return err
}
