package mongo

import (
	"context"
	"errors"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/members"
)

// The national-ID claims of a batch (imports: CreateMembers,
// UpdateMembers), in three round trips instead of three per member: one
// unordered insert of the batch's claims, the member writes, one find of
// the claims to check them (docs/sharding.md §5.1). Only the IDs already
// claimed are settled one by one (contest), as CreateMember settles them.

// claimBatch claims the active national ID of each of ms that has one, and
// checks that every claim leaves time for the member write (inTime). On
// any refusal it gives back the claims it made fresh and answers the
// refusal (the service then stores the batch one by one, to say which).
func (db *DB) claimBatch(ctx context.Context, ms []*members.Member) (_ []held, err error) {
	var docs []any
	var claimants []*members.Member
	for _, m := range ms {
		if m.ActiveNationalID() != "" {
			docs, claimants = append(docs, db.newClaim(m)), append(claimants, m)
		}
	}
	if len(docs) == 0 {
		return nil, nil
	}
	_, insErr := db.coll(collNationalIDs).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	taken, err := dupIndexes(insErr)
	hs := make([]held, 0, len(docs))
	for i, d := range docs {
		if c := d.(claimDoc); !taken[i] && err == nil {
			hs = append(hs, held{id: c.ID, memberID: c.MemberID, token: c.Token, until: c.Until, fresh: true})
		}
	}
	defer func() {
		if err != nil {
			for _, h := range hs {
				db.undoClaim(ctx, h)
			}
		}
	}()
	if err != nil {
		return nil, err
	}
	for i, m := range claimants {
		if !taken[i] {
			continue
		}
		h, err := db.contest(ctx, m)
		if err != nil {
			return nil, err
		}
		hs = append(hs, h)
	}
	for _, h := range hs {
		if err := db.hooks().afterClaim(h.id); err != nil {
			hs = nil // a crash gives nothing back
			return nil, err
		}
	}
	for _, h := range hs {
		if err := db.inTime(ctx, h); err != nil {
			return nil, err
		}
	}
	return hs, nil
}

// dupIndexes are the positions an unordered insert refused as duplicate
// keys; any other failure is returned (nothing is then known inserted).
func dupIndexes(err error) (map[int]bool, error) {
	if err == nil {
		return nil, nil
	}
	var bwe driver.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return nil, err
	}
	out := make(map[int]bool, len(bwe.WriteErrors))
	for _, we := range bwe.WriteErrors {
		if we.Code != 11000 {
			return nil, err
		}
		out[we.Index] = true
	}
	return out, nil
}

// lostClaims are the claims of hs that no longer name their member (taken
// over while this process was paused past the deadline): one find.
func (db *DB) lostClaims(ctx context.Context, hs []held) ([]held, error) {
	if len(hs) == 0 {
		return nil, nil
	}
	ids := make([]string, len(hs))
	for i, h := range hs {
		ids[i] = h.id
	}
	cur, err := db.coll(collNationalIDs).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, err
	}
	var now []claimDoc
	if err := cur.All(ctx, &now); err != nil {
		return nil, err
	}
	holder := make(map[string]string, len(now))
	for _, c := range now {
		holder[c.ID] = c.MemberID
	}
	var lost []held
	for _, h := range hs {
		if holder[h.id] != h.memberID {
			lost = append(lost, h)
		}
	}
	return lost, nil
}

// membersAt are the stored states of ms at the versions they replace, in
// their provinces (one find: {province: {$in}, memberId: {$in}}); nil
// where a member is missing, at another version or being moved.
func (db *DB) membersAt(ctx context.Context, ms []*members.Member) ([]*members.Member, error) {
	ids := make([]string, len(ms))
	var provinces []string
	for i, m := range ms {
		ids[i] = m.ID
		if p := provinceOf(m); !slices.Contains(provinces, p) {
			provinces = append(provinces, p)
		}
	}
	cur, err := db.coll(collMembers).Find(ctx, bson.D{{Key: "province", Value: bson.D{{Key: "$in", Value: provinces}}},
		{Key: "memberId", Value: bson.D{{Key: "$in", Value: ids}}}}, options.Find().SetProjection(memberProjection))
	if err != nil {
		return nil, err
	}
	var docs []memberDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	byKey := make(map[string]*memberDoc, len(docs))
	for i := range docs {
		byKey[docs[i].ID] = &docs[i]
	}
	out := make([]*members.Member, len(ms))
	for i, m := range ms {
		if d := byKey[memberKey(provinceOf(m), m.ID)]; d != nil && d.Kind != kindStub && d.Moving == "" && d.State.Version == m.Version-1 {
			out[i] = d.member()
		}
	}
	return out, nil
}

// releaseAll frees the IDs the changes from prevs to ms stopped holding,
// and moves the claims of members who changed province, in one unordered
// bulk write; best effort, as release.
func (db *DB) releaseAll(ctx context.Context, prevs, ms []*members.Member) error {
	var models []driver.WriteModel
	for i, m := range ms {
		if prevs[i] == nil {
			continue
		}
		if old := releases(prevs[i], m); old != "" {
			if err := db.hooks().beforeRelease(old); err != nil {
				return err
			}
			models = append(models, driver.NewDeleteOneModel().SetFilter(bson.D{{Key: "_id", Value: old}, {Key: "memberId", Value: m.ID}}))
		} else if !claims(prevs[i], m) {
			if w := followProvince(m.ActiveNationalID(), m.ID, provinceOf(prevs[i]), provinceOf(m)); w != nil {
				models = append(models, w)
			}
		}
	}
	db.followProvinces(ctx, models) // best effort, as release
	return nil
}
