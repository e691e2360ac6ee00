package mongo

import (
	"context"
	"strings"

	"github.com/sohoi/sohoi/internal/errs"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// The rollups store (internal/rollups/store.go) without transactions: each
// method is one single-document write, or a list of them that is safe to
// run again. Counters and stale marks are laid out as the sharding plan
// keys them (docs/sharding.md §3, §4.3, §4.4), on every MongoDB: each
// carries its province (provinceOfPath of its path) and its _id starts
// with it (rollupKey), so every write names the shard key {province, _id}
// and every read of a subtree {province, path: unit} is one province's
// index range. The unit's path, which every caller passes, names the
// province without a lookup. Only the root's subtree spans provinces:
// those reads name every province (provinces) and are declared scatters.

var _ rollups.Store = (*DB)(nil)

// dayKey is a unit's day. A day is "" or a date and never holds "|", nor
// does a unit id, so distinct pairs give distinct keys.
func dayKey(unitID, day string) string { return unitID + "|" + day }

// rollupKey is the _id of the counter or mark of the unit at path for a
// day: "<province>|<unit>|<day>" (a mark adds "#<change>", markKey).
func rollupKey(path unitpath.Path, day string) string {
	return provinceOfPath(path) + "|" + dayKey(path.Unit(), day)
}

// rekey is the _id of a counter or mark moved from province from to
// province to: the same key under the new province.
func rekey(id, from, to string) string { return to + strings.TrimPrefix(id, from) }

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
// the branch, in the branch's province, from the multikey index
// members_province_stints_branch. Members who moved away are found too:
// within the province by their stints, and out of it by the stub they
// keep there (member_moves.go), one document per member.
func (db *DB) BranchEveryone(ctx context.Context, branch unitpath.Path) (_ []*members.Member, err error) {
	defer errs.Wrap(&err, "mongo: BranchEveryone %s", branch.Unit())
	return db.findMembers(ctx, bson.D{{Key: "province", Value: branch.Province()}, {Key: "stints.branchId", Value: branch.Unit()}})
}

// findMembers reads every member filter matches, with the fields counting
// needs (memberProjection).
func (db *DB) findMembers(ctx context.Context, filter bson.D) ([]*members.Member, error) {
	return db.findMembersWith(ctx, filter, options.Find())
}

// findMembersWith is findMembers with the find's options (a scatter's
// comment).
func (db *DB) findMembersWith(ctx context.Context, filter bson.D, o *options.FindOptionsBuilder) ([]*members.Member, error) {
	cur, err := db.coll(collMembers).Find(ctx, filter, o.SetProjection(memberProjection))
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
