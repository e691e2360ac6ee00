package mongo

import (
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/units"
)

// Every command on members names the province (docs/sharding.md §4.1):
// one, the few of a caller's grants, or every province for a national
// read, which then carries its declared scatter's comment.

// memberFilter selects member id's document in a province: the shard key.
func memberFilter(province, id string) bson.D {
	return bson.D{{Key: "province", Value: province}, {Key: "memberId", Value: id}}
}

// inProvinces is the province predicate of a lookup by id in the
// provinces in, and the options of its find: every province (from the
// cached list) with the scatter members.by-id for Everywhere. ok is false
// when in names no province (a caller without grants): nothing to read.
func (db *DB) inProvinces(ctx context.Context, in members.Provinces) (_ bson.E, _ *options.FindOptionsBuilder, ok bool, err error) {
	o := options.Find()
	if in.All() {
		ps, err := db.provinces(ctx, units.RootID)
		if err != nil {
			return bson.E{}, nil, false, err
		}
		return bson.E{Key: "province", Value: bson.D{{Key: "$in", Value: ps}}}, o.SetComment(ScatterComment("members.by-id")), true, nil
	}
	ids := in.IDs()
	switch len(ids) {
	case 0:
		return bson.E{}, nil, false, nil
	case 1:
		return bson.E{Key: "province", Value: ids[0]}, o, true, nil
	}
	// A caller whose grants name every province (without one at the
	// root) reaches every shard all the same: the scatter says so
	// (docs/sharding.md §8, rule 5).
	all, err := db.provinces(ctx, units.RootID)
	if err != nil {
		return bson.E{}, nil, false, err
	}
	// (The list names the root too, the province of the root's own
	// counters: no member lives there.)
	if !slices.ContainsFunc(all, func(p string) bool { return p != units.RootID && !slices.Contains(ids, p) }) {
		o.SetComment(ScatterComment("members.by-id"))
	}
	return bson.E{Key: "province", Value: bson.D{{Key: "$in", Value: ids}}}, o, true, nil
}

// memberDocs are member id's documents in the provinces in (at most one
// per province: its live one, a stub, or two live ones during a move),
// with projection.
func (db *DB) memberDocs(ctx context.Context, id string, in members.Provinces, projection bson.D) ([]memberDoc, error) {
	p, o, ok, err := db.inProvinces(ctx, in)
	if err != nil || !ok {
		return nil, err
	}
	cur, err := db.coll(collMembers).Find(ctx, bson.D{p, {Key: "memberId", Value: id}}, o.SetProjection(projection))
	if err != nil {
		return nil, err
	}
	var docs []memberDoc
	err = cur.All(ctx, &docs)
	return docs, err
}

// liveOf is the document a reader sees of one member among docs: the live
// one of the highest version (during a move both the old and the new are
// live until the old becomes a stub, and the new is the later), or nil.
func liveOf(docs []memberDoc) *memberDoc {
	var out *memberDoc
	for i := range docs {
		d := &docs[i]
		if d.Kind != kindStub && (out == nil || d.State.Version > out.State.Version) {
			out = d
		}
	}
	return out
}
