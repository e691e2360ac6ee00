package mongo

import (
	"context"
	"github.com/sohoi/sohoi/internal/errs"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/rollups"
)

// The rollups store (internal/rollups/store.go) without transactions: each
// method is one single-document write, or a list of them that is safe to
// run again. Counters and stale marks are keyed by unit and day in _id
// (dayKey), so every write to one is pinned by the _id index, and carry
// the unit's path so that a subtree is {path: unit}, as for
// members (counters_path_day, stale_marks_path_day).

var _ rollups.Store = (*DB)(nil)

// dayKey is the _id of a unit's counter or mark for a day. A day is "" or
// a date and never holds "|", so distinct pairs give distinct keys.
func dayKey(unitID, day string) string { return unitID + "|" + day }

// retryUpsert runs an upsert pinned by _id once more if it lost the race to
// insert the document: the second run finds the document and updates it.
// MongoDB 4.2+ retries such upserts itself; older servers and FerretDB
// report the duplicate key to us.
func retryUpsert(run func() error) error {
	err := run()
	if isDup(err) {
		err = run()
	}
	return err
}

// afterUpsert makes findAndModify an upsert that returns the document as
// written. Without a projection: FerretDB v1 refuses findAndModify's
// "fields" (NotImplemented), and these documents are small.
func afterUpsert() *options.FindOneAndUpdateOptionsBuilder {
	return options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)
}

// BranchEveryone implements rollups.Store: every member with a stint in
// the branch, from the multikey index members_stints_branch, so members
// who moved away are found too.
func (db *DB) BranchEveryone(ctx context.Context, branchID string) (_ []*members.Member, err error) {
	defer errs.Wrap(&err, "mongo: BranchEveryone %s", branchID)
	return db.findMembers(ctx, bson.D{{Key: "stints.branchId", Value: branchID}})
}

// findMembers reads every member filter matches, with the fields counting
// needs (memberProjection).
func (db *DB) findMembers(ctx context.Context, filter bson.D) ([]*members.Member, error) {
	cur, err := db.coll(collMembers).Find(ctx, filter, options.Find().SetProjection(memberProjection))
	if err != nil {
		return nil, err
	}
	var docs []memberDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]*members.Member, 0, len(docs))
	for i := range docs {
		out = append(out, docs[i].member())
	}
	return out, nil
}
