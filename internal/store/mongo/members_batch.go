package mongo

import (
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// CreateMembers implements members.Store with one ordered InsertMany (each
// member with its history is one document, so no transaction is needed),
// between the claims of the batch's national IDs (one unordered insert,
// claimBatch) and their check (one find). When the insert fails part-way
// the members are inserted again one by one: CreateMember finds the ones
// already there as its own, and says which one clashes.
func (db *DB) CreateMembers(ctx context.Context, ms []*members.Member, evs []*members.Event) (err error) {
	defer errs.Wrap(&err, "mongo: CreateMembers (%d)", len(ms))
	hs, err := db.claimBatch(ctx, ms)
	if err != nil {
		return err
	}
	docs := make([]any, len(ms))
	for i, m := range ms {
		docs[i] = newMemberDoc(m, []eventDoc{toEventDoc(evs[i])})
	}
	if _, err := db.coll(collMembers).InsertMany(ctx, docs, options.InsertMany().SetOrdered(true)); err != nil {
		if !isDup(err) {
			return err
		}
		for i, m := range ms {
			if err := db.CreateMember(ctx, m, evs[i]); err != nil {
				return err
			}
		}
		return nil
	}
	lost, err := db.lostClaims(ctx, hs)
	if err != nil || len(lost) == 0 {
		return err
	}
	// Members whose claim was taken over while this process was paused
	// past the deadline: not created after all.
	for _, h := range lost {
		i := slices.IndexFunc(ms, func(m *members.Member) bool { return m.ID == h.memberID })
		if _, err := db.coll(collMembers).DeleteOne(context.WithoutCancel(ctx),
			append(memberFilter(provinceOf(ms[i]), h.memberID), bson.E{Key: "version", Value: 1})); err != nil {
			return err
		}
	}
	return duplicateNationalID()
}

// UpdateMembers implements members.Store with one ordered bulk write of
// the updates UpdateMember sends (each guarded by the previous version),
// with the national IDs claimed, checked and released around it as
// UpdateMember does, a batch at a time (the previous states: one find).
// When one is not applied, the rest are sent one by one so that the
// error says which; a change the bulk write applied is then found by its
// version.
func (db *DB) UpdateMembers(ctx context.Context, ms []*members.Member, evs []*members.Event) (err error) {
	defer errs.Wrap(&err, "mongo: UpdateMembers (%d)", len(ms))
	prevs, err := db.membersAt(ctx, ms)
	if err != nil {
		return err
	}
	var claimers []*members.Member
	for i, m := range ms {
		if prevs[i] != nil && claims(prevs[i], m) {
			claimers = append(claimers, m)
		}
	}
	hs, err := db.claimBatch(ctx, claimers)
	if err != nil {
		return err
	}
	models := make([]mongo.WriteModel, len(ms))
	for i, m := range ms {
		models[i] = mongo.NewUpdateOneModel().SetFilter(swapFilter(m)).SetUpdate(memberUpdate(m, evs[i]))
	}
	res, err := db.coll(collMembers).BulkWrite(ctx, models, options.BulkWrite().SetOrdered(true))
	if err != nil || res.MatchedCount != int64(len(ms)) {
		for i, m := range ms {
			err := db.UpdateMember(ctx, m, evs[i])
			if errs.Is(err, errs.VersionMismatch) && prevs[i] != nil && db.applied(ctx, m, evs[i]) {
				// applied by the bulk write, before its release
				err = db.releaseAll(ctx, prevs[i:i+1], ms[i:i+1])
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	lost, err := db.lostClaims(ctx, hs)
	if err != nil {
		return err
	}
	if len(lost) == 0 {
		for i, m := range ms {
			db.followStubs(ctx, m, evs[i])
		}
		return db.releaseAll(ctx, prevs, ms)
	}
	// Changes whose claim was taken over while this process was paused
	// past the deadline are put back; the others stand, with their releases.
	var keptPrevs, kept []*members.Member
	for i, m := range ms {
		if !slices.ContainsFunc(lost, func(h held) bool { return h.memberID == m.ID }) {
			keptPrevs, kept = append(keptPrevs, prevs[i]), append(kept, m)
			continue
		}
		if err := db.undoUpdate(ctx, prevs[i], m); !errs.Is(err, errs.DuplicateNationalID) {
			return err
		}
	}
	if err := db.releaseAll(ctx, keptPrevs, kept); err != nil {
		return err
	}
	return duplicateNationalID()
}

// MembersByName implements members.Store, from
// members_province_name_key_path: top's province, or every province for
// an import at the root (the scatter members.national-import-names).
func (db *DB) MembersByName(ctx context.Context, top unitpath.Path, keys []string) (_ []*members.Member, err error) {
	defer errs.Wrap(&err, "mongo: MembersByName")
	if len(keys) == 0 || len(top) == 0 {
		return nil, nil
	}
	p, o, err := db.subtreeProvince(ctx, top, "members.national-import-names")
	if err != nil {
		return nil, err
	}
	return db.findMembersWith(ctx, bson.D{p, {Key: "nameKey", Value: bson.D{{Key: "$in", Value: keys}}}, {Key: "path", Value: top.Unit()}}, o)
}

// MembersByNumber implements members.Store, from
// members_province_branch_member_no (a stub has no branchId).
func (db *DB) MembersByNumber(ctx context.Context, branch unitpath.Path, memberNo string) (_ []*members.Member, err error) {
	defer errs.Wrap(&err, "mongo: MembersByNumber")
	return db.findMembers(ctx, bson.D{{Key: "province", Value: branch.Province()}, {Key: "branchId", Value: branch.Unit()}, {Key: "memberNo", Value: memberNo}})
}

// applied reports whether the member's history holds ev already: the
// change was applied by an earlier write (a version alone could be
// someone else's change).
func (db *DB) applied(ctx context.Context, m *members.Member, ev *members.Event) bool {
	h, err := db.MemberHistory(ctx, m.ID, members.InProvinces(m.Path.Province()))
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
