package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
)

// A member and its history are one document (history is an embedded
// array), so that a change and its event are written by one atomic
// single-document update, with no transaction.

var allStatuses = []members.Status{members.Active, members.Left, members.Deceased}

func duplicateNationalID() error {
	return errs.E(errs.DuplicateNationalID, "an active member already holds this national ID")
}

// CreateMember implements members.Store: the member with its first event.
func (db *DB) CreateMember(ctx context.Context, m *members.Member, ev *members.Event) (err error) {
	defer errs.Wrap(&err, "mongo: CreateMember %s", m.ID)
	doc := memberDoc{ID: m.ID, State: toMemberState(m), History: []eventDoc{toEventDoc(ev)}}
	_, err = db.coll(collMembers).InsertOne(ctx, doc)
	if isDup(err) {
		return db.memberInsertConflict(ctx, m, doc, err)
	}
	return err
}

func (db *DB) findMember(ctx context.Context, filter bson.D, notFound error) (*members.Member, error) {
	var d memberDoc
	err := db.coll(collMembers).FindOne(ctx, filter, options.FindOne().SetProjection(memberProjection)).Decode(&d)
	if isNoDoc(err) {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	return d.member(), nil
}

// GetMember implements members.Store.
func (db *DB) GetMember(ctx context.Context, id string) (_ *members.Member, err error) {
	defer errs.Wrap(&err, "mongo: GetMember %s", id)
	return db.findMember(ctx, bson.D{{Key: "_id", Value: id}}, errs.E(errs.NotFound, "member not found"))
}

// ActiveMemberByNationalID implements members.Store, from the unique index
// members_active_national_id.
func (db *DB) ActiveMemberByNationalID(ctx context.Context, nationalID string) (_ *members.Member, err error) {
	defer errs.Wrap(&err, "mongo: ActiveMemberByNationalID (an ID)")
	return db.findMember(ctx, bson.D{{Key: "activeNationalId", Value: nationalID}},
		errs.E(errs.NotFound, "no active member holds this national ID"))
}

// UpdateMember implements members.Store: one update guarded by the previous
// version that replaces the state and appends the event, so the two are
// written together or not at all.
func (db *DB) UpdateMember(ctx context.Context, m *members.Member, ev *members.Event) (err error) {
	defer errs.Wrap(&err, "mongo: UpdateMember %s", m.ID)
	update := memberUpdate(m, ev)
	res, err := db.coll(collMembers).UpdateOne(ctx, bson.D{{Key: "_id", Value: m.ID}, {Key: "version", Value: m.Version - 1}}, update)
	if isDup(err) { // _id does not change: the active national ID
		return duplicateNationalID()
	}
	if err != nil {
		return db.otherHoldsNationalID(ctx, m, err)
	}
	if res.MatchedCount == 1 {
		return nil
	}
	return errs.SwapMissed("member", m.ID, m.Version-1, func() (int, error) {
		var cur struct {
			Version int `bson:"version"`
		}
		err := db.coll(collMembers).FindOne(ctx, bson.D{{Key: "_id", Value: m.ID}},
			options.FindOne().SetProjection(bson.D{{Key: "version", Value: 1}})).Decode(&cur)
		if isNoDoc(err) {
			return 0, errs.E(errs.NotFound, "member not found")
		}
		return cur.Version, err
	})
}

// memberUpdate replaces a member's state with m and appends ev.
func memberUpdate(m *members.Member, ev *members.Event) bson.D {
	update := bson.D{
		{Key: "$set", Value: toMemberState(m)},
		{Key: "$push", Value: bson.D{{Key: "history", Value: toEventDoc(ev)}}},
	}
	if m.ActiveNationalID() == "" {
		// Left, died or no ID: the field goes, which frees the ID.
		update = append(update, bson.E{Key: "$unset", Value: bson.D{{Key: "activeNationalId", Value: ""}}})
	}
	return update
}

// otherHoldsNationalID classifies a failed update by the state it left, as
// siblingHoldsCode does for units: FerretDB v1 answers an update that
// breaks a unique index with InternalError (code 1), not a duplicate key,
// so an update error while another member is the active holder of the
// new ID is DuplicateNationalID on both servers.
func (db *DB) otherHoldsNationalID(ctx context.Context, m *members.Member, updateErr error) error {
	if m.ActiveNationalID() == "" {
		return updateErr
	}
	holder, err := db.ActiveMemberByNationalID(ctx, m.ActiveNationalID())
	if err == nil && holder.ID != m.ID {
		return duplicateNationalID()
	}
	return updateErr
}

// MemberHistory implements members.Store: the history array alone. An
// unknown member has no events, as in the SQLite store.
func (db *DB) MemberHistory(ctx context.Context, id string) (_ []*members.Event, err error) {
	defer errs.Wrap(&err, "mongo: MemberHistory %s", id)
	var d struct {
		History []eventDoc `bson:"history"`
	}
	err = db.coll(collMembers).FindOne(ctx, bson.D{{Key: "_id", Value: id}},
		options.FindOne().SetProjection(bson.D{{Key: "history", Value: 1}})).Decode(&d)
	if isNoDoc(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]*members.Event, 0, len(d.History))
	for i := range d.History { // $push appends: oldest first
		out = append(out, d.History[i].event(id))
	}
	return out, nil
}

// ListMembers implements members.Store in the official order; the cursor is
// the last sortKey. Without words the subtree is {path: unit}; with
// words it is {scopeWords: {$all: ["unit:lead term", "unit:word", …]}},
// which carries the subtree in every element. status is always an $in (every status when
// none is asked for) so that it is an equality on the index's second key
// and the sort comes from the third.
func (db *DB) ListMembers(ctx context.Context, q members.Query) (_ page.Result[*members.Member], err error) {
	defer errs.Wrap(&err, "mongo: ListMembers")
	var res page.Result[*members.Member]
	k, err := page.Seek(q.Page)
	if err != nil {
		return res, err
	}
	statuses := q.Statuses
	if len(statuses) == 0 {
		statuses = allStatuses
	}
	var filter bson.D
	if len(q.Words) == 0 {
		filter = bson.D{{Key: "path", Value: q.UnitID}}
	} else {
		// the leading term first: it bounds the index scan, the others
		// are checked on the documents it fetches (classifyAll)
		plan := members.PlanSearch(q.Words)
		keys := []string{scopeWord(q.UnitID, plan.Lead)}
		for _, w := range plan.Check {
			keys = append(keys, scopeWord(q.UnitID, w))
		}
		filter = bson.D{{Key: "scopeWords", Value: bson.D{{Key: "$all", Value: keys}}}}
	}
	filter = append(filter,
		bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: statuses}}},
		bson.E{Key: "sortKey", Value: bson.D{{Key: "$gt", Value: k.After}}})
	cur, err := db.coll(collMembers).Find(ctx, filter, options.Find().SetProjection(memberProjection).
		SetSort(bson.D{{Key: "sortKey", Value: 1}}).SetLimit(int64(k.Fetch())))
	if err != nil {
		return res, err
	}
	var docs []memberDoc
	if err := cur.All(ctx, &docs); err != nil {
		return res, err
	}
	var items []*members.Member
	for i := range docs {
		items = append(items, docs[i].member())
	}
	return page.Cut(k, items, func(i int) string { return docs[i].State.SortKey }), nil
}
