package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
)

// memberSteps bring members written before the sharding plan's layout
// (docs/sharding.md §3, §9: _id the member id, no province) to it, drop the
// indexes the old layout's queries used, and only then make the shard
// key's unique index, which the old documents (all without province and
// memberId, so all alike to it) would refuse. Stop every older sohoi
// before the first start of this one: an older one writes the old layout,
// which this one neither reads nor moves after the step.
//
// Members are re-keyed (inserted under the new key, then deleted), never
// dropped: they are the register itself. Nobody had moved province in the
// old layout without keeping one document, so every member gets its live
// document alone; the branches it left in another province were counted
// from that document, and are counted from the live one's province no
// more: the stubs those need are made by the same step (stubsOf), from
// the provinces of the branches of its periods.
func memberSteps() []migration {
	steps := []migration{{name: "data members.province", run: rekeyMembers}}
	for _, name := range oldMemberIndexes {
		steps = append(steps, migration{name: "drop index members." + name, run: dropIndex(collMembers, name)})
	}
	return steps
}

// oldMemberIndexes are the members' indexes before the province led them.
var oldMemberIndexes = []string{
	"members_path_status_sort", "members_scope_words_status_sort", "members_name_key_path", "members_branch_member_no",
	"members_stints_branch", "members_stints_from", "members_stints_to",
}

// rekeyMembers walks the members (walkMembers: _id order, the declared
// scatter members.migration-walk, before sharding), and puts each of the
// old layout (no province) under "<province>:<id>" with its province,
// memberId and kind, adds a stub in every other province where it had a
// period, then deletes the old document. Idempotent and resumable: a copy
// or stub already there is a duplicate key and left as it is (a newer
// write under the new key wins), and the delete then goes through.
func rekeyMembers(ctx context.Context, db *driver.Database) error {
	coll := db.Collection(collMembers)
	return walkMembers(ctx, db, bson.D{}, func(d bson.D) string { id, _ := docIDPath(d); return id }, func(docs []bson.D) error {
		var copies, deletes []driver.WriteModel
		var moved []*memberDoc
		for _, doc := range docs {
			if hasField(doc, "province") {
				continue // new already
			}
			id, path := docIDPath(doc)
			if id == "" || len(path) == 0 {
				return fmt.Errorf("members: a document of the old layout without a string _id or a path (%q)", id)
			}
			p := provinceOfPath(path)
			out := bson.D{{Key: "_id", Value: memberKey(p, id)}, {Key: "memberId", Value: id}, {Key: "province", Value: p}, {Key: "kind", Value: kindLive}}
			for _, e := range doc {
				if e.Key != "_id" && e.Key != "memberId" && e.Key != "province" && e.Key != "kind" {
					out = append(out, e)
				}
			}
			copies = append(copies, driver.NewInsertOneModel().SetDocument(out))
			deletes = append(deletes, driver.NewDeleteOneModel().SetFilter(bson.D{{Key: "province", Value: nil}, {Key: "memberId", Value: nil}, {Key: "_id", Value: id}}))
			raw, err := bson.Marshal(out)
			if err != nil {
				return err
			}
			var md memberDoc
			if err := bson.Unmarshal(raw, &md); err != nil {
				return err
			}
			moved = append(moved, &md)
		}
		stubs, err := stubsOf(ctx, db, moved)
		if err != nil {
			return err
		}
		if err := insertNew(ctx, coll, append(copies, stubs...)); err != nil {
			return err
		}
		return bulk(ctx, coll, deletes)
	})
}

// hasField reports whether doc has a top-level field.
func hasField(doc bson.D, key string) bool {
	for _, e := range doc {
		if e.Key == key {
			return true
		}
	}
	return false
}
