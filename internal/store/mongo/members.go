package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
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
// A member with an active national ID claims it first (national_ids.go),
// is inserted only while the claim's deadline has not passed, and is
// deleted again if the claim was lost meanwhile.
func (db *DB) CreateMember(ctx context.Context, m *members.Member, ev *members.Event) (err error) {
	defer errs.Wrap(&err, "mongo: CreateMember %s", m.ID)
	doc := memberDoc{ID: m.ID, State: toMemberState(m), History: []eventDoc{toEventDoc(ev)}}
	if m.ActiveNationalID() == "" {
		return db.insertMember(ctx, m, doc)
	}
	h, err := db.claim(ctx, m)
	if err != nil {
		return err
	}
	if err := db.inTime(ctx, h); err != nil {
		return err
	}
	if err := db.insertMember(ctx, m, doc); err != nil {
		if errs.Is(err, errs.Conflict) { // surely not written: another member has the id
			db.undoClaim(ctx, h)
		}
		// Otherwise the insert may have happened (an acknowledgement
		// lost): the claim stays, right if it did, stale soon if not.
		return err
	}
	ok, err := db.stillHolds(ctx, h)
	if err != nil || ok {
		return err
	}
	// Taken over while this process was paused past the deadline: the
	// create never happened, for the client as for the register.
	_, err = db.coll(collMembers).DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: m.ID}, {Key: "version", Value: m.Version}})
	if err != nil {
		return err
	}
	return duplicateNationalID()
}

// insertMember inserts doc; a duplicate key is explained by
// memberInsertConflict (a retry finding its own document is success).
func (db *DB) insertMember(ctx context.Context, m *members.Member, doc memberDoc) error {
	_, err := db.coll(collMembers).InsertOne(ctx, doc)
	if isDup(err) {
		return db.memberInsertConflict(ctx, m, doc)
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

// UpdateMember implements members.Store: one update guarded by the previous
// version that replaces the state and appends the event, so the two are
// written together or not at all. A member that becomes the active holder
// of an ID (a rejoin, an ID set or changed) claims it first, as
// CreateMember does; one that stops holding an ID (a leave, a death, an ID
// changed or removed) releases it after the write.
func (db *DB) UpdateMember(ctx context.Context, m *members.Member, ev *members.Event) (err error) {
	defer errs.Wrap(&err, "mongo: UpdateMember %s", m.ID)
	// Most changes keep the member's active ID and province: one update
	// whose filter says so, and no claim to touch.
	res, err := db.coll(collMembers).UpdateOne(ctx, keepsClaimFilter(m), memberUpdate(m, ev))
	if err != nil || res.MatchedCount == 1 {
		return err
	}
	// Missed: another version, no such member, or a change of the ID held.
	prev, err := db.memberAt(ctx, m.ID, m.Version-1)
	if err != nil {
		return err
	}
	if prev == nil { // missing, or another version: the swap misses and says which
		return db.swapMember(ctx, m, ev)
	}
	var h held
	claiming := claims(prev, m)
	if claiming {
		if h, err = db.claim(ctx, m); err != nil {
			return err
		}
		if err := db.inTime(ctx, h); err != nil {
			return err
		}
	}
	if err := db.swapMember(ctx, m, ev); err != nil {
		if claiming && (errs.Is(err, errs.VersionMismatch) || errs.Is(err, errs.NotFound)) {
			db.undoClaim(ctx, h) // surely not written; otherwise the claim stays, as in CreateMember
		}
		return err
	}
	if claiming {
		ok, err := db.stillHolds(ctx, h)
		if err != nil {
			return err
		}
		if !ok {
			return db.undoUpdate(ctx, prev, m)
		}
	}
	if old := releases(prev, m); old != "" {
		return db.release(ctx, old, m.ID)
	}
	if !claiming {
		if w := followProvince(m.ActiveNationalID(), m.ID, provinceOf(prev), provinceOf(m)); w != nil {
			db.followProvinces(ctx, []driver.WriteModel{w})
		}
	}
	return nil
}

// keepsClaimFilter selects member m at the version it replaces only if the
// change keeps what its claim says: the same active national ID (or none)
// and, for one held, the same province.
func keepsClaimFilter(m *members.Member) bson.D {
	filter := bson.D{{Key: "_id", Value: m.ID}, {Key: "version", Value: m.Version - 1}}
	id := m.ActiveNationalID()
	if id == "" {
		return append(filter, bson.E{Key: "activeNationalId", Value: bson.D{{Key: "$exists", Value: false}}})
	}
	filter = append(filter, bson.E{Key: "activeNationalId", Value: id})
	if len(m.Path) > 1 {
		filter = append(filter, bson.E{Key: "path.1", Value: m.Path[1]})
	}
	return filter
}

// claims reports whether the change from prev to m makes m the active
// holder of an ID it did not hold.
func claims(prev, m *members.Member) bool {
	return m.ActiveNationalID() != "" && m.ActiveNationalID() != prev.ActiveNationalID()
}

// releases is the ID the change from prev to m stops holding, or "".
func releases(prev, m *members.Member) string {
	if old := prev.ActiveNationalID(); old != "" && old != m.ActiveNationalID() {
		return old
	}
	return ""
}

// memberAt is member id at version, or nil when it is missing or at
// another version.
func (db *DB) memberAt(ctx context.Context, id string, version int) (*members.Member, error) {
	m, err := db.findMember(ctx, bson.D{{Key: "_id", Value: id}}, nil)
	if err != nil || m == nil || m.Version != version {
		return nil, err
	}
	return m, nil
}

// swapMember is the guarded update of m (errs.VersionMismatch or
// errs.NotFound when it misses).
func (db *DB) swapMember(ctx context.Context, m *members.Member, ev *members.Event) error {
	res, err := db.coll(collMembers).UpdateOne(ctx, bson.D{{Key: "_id", Value: m.ID}, {Key: "version", Value: m.Version - 1}}, memberUpdate(m, ev))
	if err != nil {
		return err
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

// undoUpdate puts back prev after m was written holding an ID whose claim
// another member took over meanwhile: prev's state, and the history
// without m's event (one update guarded by m's version), so that the
// change never happened, and answers duplicate as a refused claim does.
func (db *DB) undoUpdate(ctx context.Context, prev, m *members.Member) error {
	update := bson.D{
		{Key: "$set", Value: toMemberState(prev)},
		{Key: "$pop", Value: bson.D{{Key: "history", Value: 1}}},
	}
	if prev.ActiveNationalID() == "" {
		update = append(update, bson.E{Key: "$unset", Value: bson.D{{Key: "activeNationalId", Value: ""}}})
	}
	_, err := db.coll(collMembers).UpdateOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: m.ID}, {Key: "version", Value: m.Version}}, update)
	if err != nil {
		return err
	}
	return duplicateNationalID()
}

// memberUpdate replaces a member's state with m and appends ev.
func memberUpdate(m *members.Member, ev *members.Event) bson.D {
	update := bson.D{
		{Key: "$set", Value: toMemberState(m)},
		{Key: "$push", Value: bson.D{{Key: "history", Value: toEventDoc(ev)}}},
	}
	if m.ActiveNationalID() == "" {
		// Left, died or no ID: the copy of the claim goes.
		update = append(update, bson.E{Key: "$unset", Value: bson.D{{Key: "activeNationalId", Value: ""}}})
	}
	return update
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
	projection := memberProjection
	if q.Brief {
		projection = briefProjection
	}
	cur, err := db.coll(collMembers).Find(ctx, filter, options.Find().SetProjection(projection).
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
