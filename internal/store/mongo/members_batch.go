package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// CreateMembers implements members.Store with one ordered InsertMany (each
// member with its history is one document, so no transaction is needed).
// When it fails part-way the members are inserted again one by one:
// CreateMember finds the ones already there as its own, and says which
// one clashes.
func (db *DB) CreateMembers(ctx context.Context, ms []*members.Member, evs []*members.Event) (err error) {
	defer errs.Wrap(&err, "mongo: CreateMembers (%d)", len(ms))
	docs := make([]any, len(ms))
	for i, m := range ms {
		docs[i] = memberDoc{ID: m.ID, State: toMemberState(m), History: []eventDoc{toEventDoc(evs[i])}}
	}
	if _, err := db.coll(collMembers).InsertMany(ctx, docs, options.InsertMany().SetOrdered(true)); err == nil || !isDup(err) {
		return err
	}
	for i, m := range ms {
		if err := db.CreateMember(ctx, m, evs[i]); err != nil {
			return err
		}
	}
	return nil
}

// UpdateMembers implements members.Store with one ordered bulk write of
// the updates UpdateMember sends (each guarded by the previous version).
// When one is not applied, the rest are sent one by one so that the
// error says which; a change the bulk write applied is then found by its
// version.
func (db *DB) UpdateMembers(ctx context.Context, ms []*members.Member, evs []*members.Event) (err error) {
	defer errs.Wrap(&err, "mongo: UpdateMembers (%d)", len(ms))
	models := make([]mongo.WriteModel, len(ms))
	for i, m := range ms {
		models[i] = mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: m.ID}, {Key: "version", Value: m.Version - 1}}).
			SetUpdate(memberUpdate(m, evs[i]))
	}
	res, err := db.coll(collMembers).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(true))
	if err == nil && res.MatchedCount == int64(len(ms)) {
		return nil
	}
	for i, m := range ms {
		err := db.UpdateMember(ctx, m, evs[i])
		if errs.Is(err, errs.VersionMismatch) {
			if db.applied(ctx, m, evs[i]) {
				continue // applied by the bulk write
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// MembersByName implements members.Store, from members_name_key_path.
func (db *DB) MembersByName(ctx context.Context, top unitpath.Path, keys []string) (_ []*members.Member, err error) {
	defer errs.Wrap(&err, "mongo: MembersByName")
	if len(keys) == 0 || len(top) == 0 {
		return nil, nil
	}
	return db.findMembers(ctx, bson.D{{Key: "nameKey", Value: bson.D{{Key: "$in", Value: keys}}}, {Key: "path", Value: top[len(top)-1]}})
}

// MembersByNumber implements members.Store, from members_branch_member_no.
func (db *DB) MembersByNumber(ctx context.Context, branchID, memberNo string) (_ []*members.Member, err error) {
	defer errs.Wrap(&err, "mongo: MembersByNumber")
	return db.findMembers(ctx, bson.D{{Key: "branchId", Value: branchID}, {Key: "memberNo", Value: memberNo}})
}

// applied reports whether the member's history holds ev already: the
// change was applied by an earlier write (a version alone could be
// someone else's change).
func (db *DB) applied(ctx context.Context, m *members.Member, ev *members.Event) bool {
	h, err := db.MemberHistory(ctx, m.ID)
	if err != nil {
		return false
	}
	for _, e := range h {
		if e.Seq == ev.Seq && e.At.Sub(ev.At).Abs() < time.Millisecond && e.ActorID == ev.ActorID {
			return true
		}
	}
	return false
}
