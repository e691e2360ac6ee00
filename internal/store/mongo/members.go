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
	doc := newMemberDoc(m, []eventDoc{toEventDoc(ev)})
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
	_, err = db.coll(collMembers).DeleteOne(context.WithoutCancel(ctx), append(memberFilter(provinceOf(m), m.ID), bson.E{Key: "version", Value: m.Version}))
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

// findMember is member id as a reader sees it in the provinces in (its
// live document, liveOf), or notFound.
func (db *DB) findMember(ctx context.Context, id string, in members.Provinces, notFound error) (*members.Member, error) {
	docs, err := db.memberDocs(ctx, id, in, memberProjection)
	if err != nil {
		return nil, err
	}
	d := liveOf(docs)
	if d == nil {
		return nil, notFound
	}
	return d.member(), nil
}

// GetMember implements members.Store: {province, memberId}, one province
// or a caller's few (targeted), or every province for a national caller
// (the scatter members.by-id). A stub is never returned: a member who
// moved out of the provinces asked is not found there.
func (db *DB) GetMember(ctx context.Context, id string, in members.Provinces) (_ *members.Member, err error) {
	defer errs.Wrap(&err, "mongo: GetMember %s", id)
	return db.findMember(ctx, id, in, errs.E(errs.NotFound, "member not found"))
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
	if err != nil {
		return err
	}
	if res.MatchedCount == 1 {
		db.followStubs(ctx, m, ev)
		return nil
	}
	// Missed: another version, no such member, or a change of the ID held.
	prev, err := db.memberAt(ctx, m, m.Version-1)
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
	db.followStubs(ctx, m, ev)
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

// swapFilter selects member m's document in its province at the version
// m replaces, unless it is being moved (§5.3: a move locks the document
// with moving, and every update then misses until the move is done).
func swapFilter(m *members.Member) bson.D {
	return append(memberFilter(provinceOf(m), m.ID), bson.E{Key: "version", Value: m.Version - 1}, bson.E{Key: "moving", Value: nil})
}

// keepsClaimFilter is swapFilter, only if the change keeps what its claim
// says: the same active national ID (or none). The province is the
// filter's, and a change of province is a move (MoveMember), so the
// claim's province stays right.
func keepsClaimFilter(m *members.Member) bson.D {
	filter := swapFilter(m)
	id := m.ActiveNationalID()
	if id == "" {
		return append(filter, bson.E{Key: "activeNationalId", Value: bson.D{{Key: "$exists", Value: false}}})
	}
	return append(filter, bson.E{Key: "activeNationalId", Value: id})
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

// memberAt is member m as stored in m's province at version, or nil when
// it is missing, at another version, or being moved.
func (db *DB) memberAt(ctx context.Context, m *members.Member, version int) (*members.Member, error) {
	var d memberDoc
	err := db.coll(collMembers).FindOne(ctx, memberFilter(provinceOf(m), m.ID), options.FindOne().SetProjection(memberProjection)).Decode(&d)
	if isNoDoc(err) {
		return nil, nil
	}
	if err != nil || d.Kind == kindStub || d.Moving != "" || d.State.Version != version {
		return nil, err
	}
	return d.member(), nil
}

// swapMember is the guarded update of m (errs.VersionMismatch or
// errs.NotFound when it misses).
func (db *DB) swapMember(ctx context.Context, m *members.Member, ev *members.Event) error {
	res, err := db.coll(collMembers).UpdateOne(ctx, swapFilter(m), memberUpdate(m, ev))
	if err != nil {
		return err
	}
	if res.MatchedCount == 1 {
		return nil
	}
	return errs.SwapMissed("member", m.ID, m.Version-1, func() (int, error) {
		var cur struct {
			Version int    `bson:"version"`
			Kind    string `bson:"kind"`
			Moving  string `bson:"moving"`
		}
		err := db.coll(collMembers).FindOne(ctx, memberFilter(provinceOf(m), m.ID),
			options.FindOne().SetProjection(bson.D{{Key: "version", Value: 1}, {Key: "kind", Value: 1}, {Key: "moving", Value: 1}})).Decode(&cur)
		if isNoDoc(err) {
			return db.versionElsewhere(ctx, m)
		}
		if err != nil {
			return 0, err
		}
		if cur.Moving != "" {
			// Locked by a move: finish it (the document here becomes a
			// stub), and the change misses as against any newer version.
			if _, err := db.resumeMove(ctx, m.ID); err != nil {
				return 0, err
			}
			return cur.Version + 1, nil
		}
		return cur.Version, nil // a stub's is 0: the member moved away
	})
}

// versionElsewhere is the version of member m living outside m's province
// (a restructure moved its branch to another province since m was read):
// looked up in the provinces of m's branches as they stand, which hold its
// live document if anything does; errs.NotFound when none does.
func (db *DB) versionElsewhere(ctx context.Context, m *members.Member) (int, error) {
	var ids []string
	for _, st := range m.Stints {
		ids = append(ids, st.BranchID)
	}
	paths, err := unitPaths(ctx, db.db, ids)
	if err != nil {
		return 0, err
	}
	var ps []string
	for _, p := range paths {
		ps = append(ps, provinceOfPath(p))
	}
	if got, err := db.findMember(ctx, m.ID, members.InProvinces(ps...), nil); err != nil || got != nil {
		if got == nil {
			return 0, err
		}
		return got.Version, nil
	}
	return 0, errs.E(errs.NotFound, "member not found")
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
	_, err := db.coll(collMembers).UpdateOne(context.WithoutCancel(ctx), append(memberFilter(provinceOf(m), m.ID), bson.E{Key: "version", Value: m.Version}), update)
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

// MemberHistory implements members.Store: the history array alone, of the
// live document (GetMember's). An unknown member has no events, as in the
// SQLite store.
func (db *DB) MemberHistory(ctx context.Context, id string, in members.Provinces) (_ []*members.Event, err error) {
	defer errs.Wrap(&err, "mongo: MemberHistory %s", id)
	docs, err := db.memberDocs(ctx, id, in, bson.D{{Key: "history", Value: 1}, {Key: "kind", Value: 1}, {Key: "version", Value: 1}})
	if err != nil {
		return nil, err
	}
	d := liveOf(docs)
	if d == nil {
		return nil, nil
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
	scatter := "members.national-list"
	if len(q.Words) > 0 {
		scatter = "members.national-search"
	}
	province, o, err := db.subtreeProvince(ctx, q.Path, scatter)
	if err != nil {
		return res, err
	}
	filter := bson.D{province}
	if len(q.Words) == 0 {
		filter = append(filter, bson.E{Key: "path", Value: q.Path.Unit()})
	} else {
		// the leading term first: it bounds the index scan, the others
		// are checked on the documents it fetches (classifyAll)
		plan := members.PlanSearch(q.Words)
		keys := []string{scopeWord(q.Path.Unit(), plan.Lead)}
		for _, w := range plan.Check {
			keys = append(keys, scopeWord(q.Path.Unit(), w))
		}
		filter = append(filter, bson.E{Key: "scopeWords", Value: bson.D{{Key: "$all", Value: keys}}})
	}
	filter = append(filter,
		bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: statuses}}},
		bson.E{Key: "sortKey", Value: bson.D{{Key: "$gt", Value: k.After}}})
	projection := memberProjection
	if q.Brief {
		projection = briefProjection
	}
	cur, err := db.coll(collMembers).Find(ctx, filter, o.SetProjection(projection).
		SetSort(bson.D{{Key: "sortKey", Value: 1}}).SetLimit(int64(k.Fetch())))
	if err != nil {
		return res, err
	}
	var docs []memberDoc
	if err := cur.All(ctx, &docs); err != nil {
		return res, err
	}
	full := len(docs) == k.Fetch()
	docs = oneEach(docs)
	var items []*members.Member
	for i := range docs {
		items = append(items, docs[i].member())
	}
	res = page.Cut(k, items, func(i int) string { return docs[i].State.SortKey })
	if full && res.Next == "" && len(docs) > 0 {
		// A twin dropped from a full read: there may be more.
		res.Next = page.Encode(docs[len(docs)-1].State.SortKey)
	}
	return res, nil
}

// oneEach keeps one document per member of docs in sortKey order: a
// national list can meet a member twice while it moves between provinces
// (the old document, locked, and the new: §5.3), with the same sortKey,
// so side by side; the later version is kept. The page cursor (sortKey
// after the last) then skips a twin left for the next page.
func oneEach(docs []memberDoc) []memberDoc {
	out := docs[:0]
	for _, d := range docs {
		if n := len(out); n > 0 && out[n-1].MemberID == d.MemberID {
			if d.State.Version > out[n-1].State.Version {
				out[n-1] = d
			}
			continue
		}
		out = append(out, d)
	}
	return out
}
