package mongo

import (
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// The invariant of the members' layout (docs/sharding.md §5.3): a member
// has a document in every province holding a branch where it had a
// period: the live document where it lives, a stub elsewhere. Counting a
// branch reads its province's documents alone (BranchEveryone), so the
// stub is what keeps a member who left counted in the branches it left.

// stubDoc is the stub in province of the member whose live document d is
// (livesIn: d's province): its periods and what counting reads of them,
// at version 0 (stubUpdate makes the same from a live document).
func stubDoc(province string, d *memberDoc) bson.D {
	s := &d.State
	return bson.D{
		{Key: "_id", Value: memberKey(province, d.MemberID)}, {Key: "memberId", Value: d.MemberID}, {Key: "province", Value: province},
		{Key: "kind", Value: kindStub}, {Key: "status", Value: statusElsewhere}, {Key: "livesIn", Value: d.Province},
		{Key: "fullName", Value: s.FullName}, {Key: "gender", Value: s.Gender}, {Key: "birthDate", Value: s.BirthDate},
		{Key: "joinedOn", Value: s.JoinedOn}, {Key: "stints", Value: s.Stints}, {Key: "version", Value: 0},
		{Key: "createdAt", Value: s.CreatedAt}, {Key: "updatedAt", Value: s.UpdatedAt},
	}
}

// stubsOf are the inserts of the stubs the live documents docs need: one
// in every province, other than the document's own, of a branch of its
// periods (the branches' paths read by _id, one find). Sent with
// insertNew, a stub or a live document already there is left alone.
func stubsOf(ctx context.Context, db *driver.Database, docs []*memberDoc) ([]driver.WriteModel, error) {
	var ids []string
	seen := map[string]bool{}
	for _, d := range docs {
		for _, st := range d.State.Stints {
			if !seen[st.BranchID] {
				seen[st.BranchID] = true
				ids = append(ids, st.BranchID)
			}
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	paths, err := unitPaths(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	var out []driver.WriteModel
	for _, d := range docs {
		made := map[string]bool{d.Province: true}
		for _, st := range d.State.Stints {
			p := provinceOfPath(paths[st.BranchID])
			if p != "" && !made[p] {
				made[p] = true
				out = append(out, driver.NewInsertOneModel().SetDocument(stubDoc(p, d)))
			}
		}
	}
	return out, nil
}

// unitPaths are the paths of units by id (those found).
func unitPaths(ctx context.Context, db *driver.Database, ids []string) (map[string]unitpath.Path, error) {
	cur, err := db.Collection(collUnits).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
		options.Find().SetProjection(bson.D{{Key: "path", Value: 1}}))
	if err != nil {
		return nil, err
	}
	var us []struct {
		ID   string        `bson:"_id"`
		Path unitpath.Path `bson:"path"`
	}
	if err := cur.All(ctx, &us); err != nil {
		return nil, err
	}
	out := make(map[string]unitpath.Path, len(us))
	for _, u := range us {
		out[u.ID] = u.Path
	}
	return out, nil
}

// followStubs copies a correction of what counting reads of a period (the
// gender, the birth date, the day of joining and with it the first
// period's start) to member m's stubs in the provinces it left: a branch
// there counts it from its stub (BranchEveryone). Only for a correction
// (ev) of those fields by a member whose periods span branches (one
// lookup of their provinces, one update per stub). Best effort, after the
// member write, as the claims' province: a stub left behind by a crash
// here keeps the value before the correction until the member's next such
// correction.
func (db *DB) followStubs(ctx context.Context, m *members.Member, ev *members.Event) {
	if ev.Type != members.Updated || len(m.Stints) < 2 || !slices.ContainsFunc(ev.Changes, func(c members.Change) bool {
		return c.Field == "gender" || c.Field == "birthDate" || c.Field == "joinedOn"
	}) {
		return
	}
	ctx = context.WithoutCancel(ctx)
	var ids []string
	for _, st := range m.Stints {
		ids = append(ids, st.BranchID)
	}
	paths, err := unitPaths(ctx, db.db, ids)
	if err != nil {
		return
	}
	own, s := provinceOf(m), toMemberState(m)
	var writes []driver.WriteModel
	seen := map[string]bool{own: true}
	for _, p := range paths {
		if pr := provinceOfPath(p); !seen[pr] {
			seen[pr] = true
			writes = append(writes, driver.NewUpdateOneModel().SetFilter(append(memberFilter(pr, m.ID), bson.E{Key: "kind", Value: kindStub})).
				SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "gender", Value: s.Gender}, {Key: "birthDate", Value: s.BirthDate},
					{Key: "joinedOn", Value: s.JoinedOn}, {Key: "stints", Value: s.Stints}}}}))
		}
	}
	_ = bulk(ctx, db.coll(collMembers), writes)
}
