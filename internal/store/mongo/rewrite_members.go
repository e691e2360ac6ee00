package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// The members of a moved subtree (RewritePaths). Within a province each is
// updated in place: its path and search keys. Into another province each
// is moved as a transfer is (member_moves.go, docs/sharding.md §5.4), with
// no event and no move record: the rewrite's cursor is the record, and a
// page is read again after a crash.

// rewriteMembers rewrites the members below the moved unit, in the
// official order (members_province_path_status_sort), each guarded by its
// version: the keys are made from the name read. A member locked by a
// transfer's move (a move record names it) is finished first; a lock
// without a record is this rewrite's own, left by a crash.
func (db *DB) rewriteMembers(ctx context.Context, from, to unitpath.Path, after string, limit int) (string, int, error) {
	a, b := from.Province(), to.Province()
	o := options.Find().SetSort(bson.D{{Key: "sortKey", Value: 1}}).SetLimit(int64(limit))
	if a == b {
		o.SetProjection(bson.D{{Key: "memberId", Value: 1}, {Key: "province", Value: 1}, {Key: "path", Value: 1}, {Key: "fullName", Value: 1},
			{Key: "sortKey", Value: 1}, {Key: "version", Value: 1}, {Key: "activeNationalId", Value: 1}, {Key: "moving", Value: 1}})
	}
	cur, err := db.coll(collMembers).Find(ctx, bson.D{{Key: "province", Value: a}, {Key: "path", Value: from.Unit()},
		{Key: "status", Value: bson.D{{Key: "$in", Value: allStatuses}}}, {Key: "sortKey", Value: bson.D{{Key: "$gt", Value: after}}}}, o)
	if err != nil {
		return "", 0, err
	}
	var docs []memberDoc
	if err := cur.All(ctx, &docs); err != nil {
		return "", 0, err
	}
	resumed := false
	for _, d := range docs {
		if d.Moving != "" {
			found, err := db.resumeMove(ctx, d.MemberID)
			if err != nil {
				return "", 0, err
			}
			resumed = resumed || found
		}
	}
	if resumed { // transfers' moves finished: read the page again
		return after, max(len(docs), limit), nil
	}
	if a != b {
		return db.moveMembers(ctx, docs, from, to, after, limit)
	}
	var batch, claims []driver.WriteModel
	last := after
	for _, d := range docs {
		last = d.State.SortKey
		moved, ok := unitpath.Path(d.State.Path).Rebase(from, to)
		if !ok {
			continue
		}
		batch = append(batch, driver.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "province", Value: a}, {Key: "memberId", Value: d.MemberID}, {Key: "version", Value: d.State.Version}, {Key: "moving", Value: nil}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "path", Value: moved}, {Key: "scopeWords", Value: scopeWords(&members.Member{FullName: d.State.FullName, Path: moved})}}},
				{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}))
		if w := followProvince(d.State.ActiveNationalID, d.MemberID, a, provinceOfPath(moved)); w != nil {
			claims = append(claims, w)
		}
	}
	next, n, err := again(ctx, db.coll(collMembers), batch, after, last, len(docs), limit)
	if err == nil {
		db.followProvinces(ctx, claims)
	}
	return next, n, err
}

// restructureLock is the moving value of a member a restructure moves to
// province b: not b alone, so that a transfer's move to b (whose lock is
// b) never takes the restructure's lock for its own, nor the other way.
func restructureLock(b string) string { return "restructure:" + b }

// moveMembers moves a page of members of province A (read whole) below
// to, in province B: each locked (moving: restructureLock(B); already so
// after a crash),
// written under B (an upsert replacing only an older document: a stub
// there), its claim following, and the A document made a stub when the
// member still has periods in branches of A, else deleted. A member
// changed since the page was read is not locked, and the page is read
// again.
func (db *DB) moveMembers(ctx context.Context, docs []memberDoc, from, to unitpath.Path, after string, limit int) (string, int, error) {
	coll := db.coll(collMembers)
	a, b := from.Province(), to.Province()
	var locks []driver.WriteModel
	var ids []string
	last := after
	for _, d := range docs {
		last = d.State.SortKey
		ids = append(ids, d.MemberID)
		if d.Moving == "" {
			locks = append(locks, driver.NewUpdateOneModel().
				SetFilter(bson.D{{Key: "province", Value: a}, {Key: "memberId", Value: d.MemberID}, {Key: "version", Value: d.State.Version}, {Key: "moving", Value: nil}}).
				SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "moving", Value: restructureLock(b)}}}}))
		}
	}
	if len(docs) == 0 {
		return last, 0, nil
	}
	if err := bulk(ctx, coll, locks); err != nil {
		return "", 0, err
	}
	// Ours: the documents locked for B (those changed meanwhile are not).
	cur, err := coll.Find(ctx, bson.D{{Key: "province", Value: a}, {Key: "memberId", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return "", 0, err
	}
	var read, locked []memberDoc
	if err := cur.All(ctx, &read); err != nil {
		return "", 0, err
	}
	for _, d := range read {
		if d.Moving == restructureLock(b) {
			locked = append(locked, d)
		}
	}
	if err := db.moveStep(2); err != nil {
		return "", 0, err
	}
	var branches []string
	for _, d := range locked {
		for _, st := range d.State.Stints {
			branches = append(branches, st.BranchID)
		}
	}
	paths, err := unitPaths(ctx, db.db, branches)
	if err != nil {
		return "", 0, err
	}
	var writes, olds, claims []driver.WriteModel
	for i := range locked {
		d := &locked[i]
		moved, ok := unitpath.Path(d.State.Path).Rebase(from, to)
		if !ok {
			continue
		}
		next := *d
		next.ID, next.Province, next.Moving, next.Kind = memberKey(b, d.MemberID), b, "", kindLive
		next.State.Path = moved
		next.State.ScopeWords = scopeWords(&members.Member{FullName: d.State.FullName, Path: moved})
		next.State.Version = d.State.Version + 1
		writes = append(writes, driver.NewReplaceOneModel().SetUpsert(true).
			SetFilter(bson.D{{Key: "province", Value: b}, {Key: "memberId", Value: d.MemberID}, {Key: "version", Value: bson.D{{Key: "$lt", Value: next.State.Version}}}}).
			SetReplacement(next))
		if w := followProvince(d.State.ActiveNationalID, d.MemberID, a, b); w != nil {
			claims = append(claims, w)
		}
		lockedOld := bson.D{{Key: "province", Value: a}, {Key: "memberId", Value: d.MemberID}, {Key: "moving", Value: restructureLock(b)}}
		if periodsIn(d, a, paths) {
			olds = append(olds, driver.NewUpdateOneModel().SetFilter(lockedOld).SetUpdate(stubUpdate(b, &d.State)))
		} else {
			olds = append(olds, driver.NewDeleteOneModel().SetFilter(lockedOld))
		}
	}
	if err := insertNew(ctx, coll, writes); err != nil { // a duplicate: written before a crash, or newer
		return "", 0, err
	}
	if err := db.moveStep(3); err != nil {
		return "", 0, err
	}
	db.followProvinces(ctx, claims)
	if err := bulk(ctx, coll, olds); err != nil {
		return "", 0, err
	}
	if len(locked) < len(docs) {
		return after, max(len(docs), limit), nil // some changed meanwhile: read the page again
	}
	return last, len(docs), nil
}

// periodsIn reports whether member d had a period in a branch that is in
// province p now (paths: the branches' paths as they stand).
func periodsIn(d *memberDoc, p string, paths map[string]unitpath.Path) bool {
	for _, st := range d.State.Stints {
		if provinceOfPath(paths[st.BranchID]) == p {
			return true
		}
	}
	return false
}

// rewriteMemberStubs gives the members of province A with periods in the
// branches moved to province B (live in A, or stubs of members living in
// a third province) a stub in B, where those branches are counted now.
// Once per move (after the members), idempotent: a document already
// there, a stub or a live one, is left alone.
func (db *DB) rewriteMemberStubs(ctx context.Context, from, to unitpath.Path, _ string, _ int) (string, int, error) {
	a, b := from.Province(), to.Province()
	if a == b {
		return "", 0, nil
	}
	cur, err := db.coll(collUnits).Find(ctx, bson.D{{Key: "path", Value: from.Unit()}, {Key: "level", Value: units.Branch}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return "", 0, err
	}
	var bs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &bs); err != nil {
		return "", 0, err
	}
	if len(bs) == 0 {
		return "", 0, nil
	}
	ids := make([]string, len(bs))
	for i, u := range bs {
		ids[i] = u.ID
	}
	cur, err = db.coll(collMembers).Find(ctx, bson.D{{Key: "province", Value: a}, {Key: "stints.branchId", Value: bson.D{{Key: "$in", Value: ids}}}},
		options.Find().SetProjection(memberProjection))
	if err != nil {
		return "", 0, err
	}
	var docs []memberDoc
	if err := cur.All(ctx, &docs); err != nil {
		return "", 0, err
	}
	var stubs []driver.WriteModel
	for i := range docs {
		d := docs[i]
		if d.Kind == kindStub { // the stub's live document is elsewhere
			d.Province = d.LivesIn
		}
		stubs = append(stubs, driver.NewInsertOneModel().SetDocument(stubDoc(b, &d)))
	}
	return "", 0, insertNew(ctx, db.coll(collMembers), stubs)
}
