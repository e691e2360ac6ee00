package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// The trail without multi-document transactions (audit.Store):
//
//   - a sequence number comes from one counter document ($inc by
//     findAndModify, collAuditSeq), which also keeps when it was last
//     taken; the entry's _id is its number, so a number handed out twice
//     (FerretDB v1's findAndModify is not atomic: measured, 40 concurrent
//     takes gave 10 numbers) fails the insert and is taken again. For the
//     same reason the counter is a lower bound of the last number, not
//     its exact value, on such a server;
//   - BeginAudit inserts the entry Pending with the intended after-state
//     (_id = its number), before the change; EndAudit marks it Done or Void
//     and then seals (settleAndSeal);
//   - sealing (seal) walks from the last sealed entry in number order and
//     links each settled one to the one before (audit.Entry.Seal). It is
//     deterministic, so sealers running at once write the same hashes, and
//     each update is guarded by {sealed: false}. A Pending entry or a
//     missing number stops it: Recover settles the first, RepairAudit
//     fills the second with a Void entry once its writer must have died.
//
// A crash between any two steps leaves a Pending entry (settled by
// Recover against the stored object), a number with no entry (filled),
// or settled entries not yet sealed (sealed by the next writer).

// auditDoc is an audit.Entry as stored.
type auditDoc struct {
	Seq        int64     `bson:"_id"`
	At         time.Time `bson:"at"`
	ActorID    string    `bson:"actorId"`
	ActorName  string    `bson:"actorName"`
	Action     string    `bson:"action"`
	ObjectType string    `bson:"objectType"`
	ObjectID   string    `bson:"objectId"`
	Path       string    `bson:"path"`
	// Keys are what ListAudit filters on, one multikey index for every
	// combination: "u:<unit>" for each unit of the path, "o:<type>:<id>",
	// "t:<type>", "a:<actor>".
	Keys     []string `bson:"keys"`
	Before   string   `bson:"before"`
	After    string   `bson:"after"`
	Detail   string   `bson:"detail"`
	State    string   `bson:"state"`
	Sealed   bool     `bson:"sealed"`
	PrevHash string   `bson:"prevHash"`
	Hash     string   `bson:"hash"`
}

const auditSeqID = "audit"

func auditKeys(e *audit.Entry) []string {
	keys := make([]string, 0, len(e.Path)+3)
	for _, u := range e.Path {
		keys = append(keys, "u:"+u)
	}
	return append(keys, "o:"+e.ObjectType+":"+e.ObjectID, "t:"+e.ObjectType, "a:"+e.ActorID)
}

func toAuditDoc(e *audit.Entry) *auditDoc {
	return &auditDoc{Seq: e.Seq, At: e.At.UTC(), ActorID: e.ActorID, ActorName: e.ActorName, Action: e.Action,
		ObjectType: e.ObjectType, ObjectID: e.ObjectID, Path: e.Path.Key(), Keys: auditKeys(e), Before: string(e.Before),
		After: string(e.After), Detail: string(e.Detail), State: string(e.State), Sealed: e.Hash != "",
		PrevHash: e.PrevHash, Hash: e.Hash}
}

func (d *auditDoc) entry() *audit.Entry {
	return &audit.Entry{Seq: d.Seq, At: d.At.UTC(), ActorID: d.ActorID, ActorName: d.ActorName, Action: d.Action,
		ObjectType: d.ObjectType, ObjectID: d.ObjectID, Path: unitpath.ParseKey(d.Path), Before: bytesOf(d.Before),
		After: bytesOf(d.After), Detail: bytesOf(d.Detail), State: audit.State(d.State), PrevHash: d.PrevHash, Hash: d.Hash}
}

func bytesOf(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

// takeAuditSeq hands out the next sequence number. Two first upserts at
// once collide on _id: the loser tries again and finds the document.
func (db *DB) takeAuditSeq(ctx context.Context, at time.Time) (int64, error) {
	var doc struct {
		Seq int64 `bson:"seq"`
	}
	for attempt := 0; ; attempt++ {
		err := db.coll(collAuditSeq).FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: auditSeqID}},
			bson.D{{Key: "$inc", Value: bson.D{{Key: "seq", Value: int64(1)}}}, {Key: "$set", Value: bson.D{{Key: "at", Value: at}}}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After)).Decode(&doc)
		if err == nil || !isDup(err) || attempt == 2 {
			return doc.Seq, err
		}
	}
}

// insertAudit numbers e and inserts it as it is (Pending, or Done). A
// number already used is taken again: a repair filled it (its writer was
// too slow), or the server's $inc is not atomic (FerretDB v1 under
// concurrent writers hands out the same number twice).
func (db *DB) insertAudit(ctx context.Context, e *audit.Entry) (err error) {
	for attempt := 0; attempt < 100; attempt++ {
		var seq int64
		if seq, err = db.takeAuditSeq(ctx, time.Now().UTC()); err != nil {
			return err
		}
		e.Seq, e.PrevHash, e.Hash = seq, "", ""
		if _, err = db.coll(collAudit).InsertOne(ctx, toAuditDoc(e)); !isDup(err) {
			return err
		}
	}
	return err
}

// BeginAudit implements audit.Store: the entry is stored Pending before
// the change.
func (db *DB) BeginAudit(ctx context.Context, e *audit.Entry) (_ context.Context, err error) {
	defer errs.Wrap(&err, "mongo: BeginAudit")
	after := e.State
	e.State = audit.Pending
	if err := db.insertAudit(ctx, e); err != nil {
		e.State = after
		return ctx, err
	}
	return ctx, nil
}

// EndAudit implements audit.Store: the entry is settled and, when the
// one before it is sealed, sealed in the same update (then any settled
// entries that waited on it): one read and one update in the usual case.
func (db *DB) EndAudit(ctx context.Context, e *audit.Entry, stored bool) (err error) {
	defer errs.Wrap(&err, "mongo: EndAudit %d", e.Seq)
	e.State = audit.Void
	if stored {
		e.State = audit.Done
	}
	return db.settleAndSeal(ctx, e, bson.D{{Key: "_id", Value: e.Seq}, {Key: "state", Value: string(audit.Pending)}})
}

// AppendAudit implements audit.Store.
func (db *DB) AppendAudit(ctx context.Context, e *audit.Entry) (err error) {
	defer errs.Wrap(&err, "mongo: AppendAudit")
	e.State = audit.Done
	if err := db.insertAudit(ctx, e); err != nil {
		return err
	}
	return db.settleAndSeal(ctx, e, bson.D{{Key: "_id", Value: e.Seq}, {Key: "sealed", Value: false}})
}

// settleAndSeal writes e's final state (the update filtered by filter),
// then seals every settled entry from the last sealed one on, its own
// included. Writing first and reading after means that of two writers
// settling neighbours at once, one sees the other's state in all but a
// narrow race; an entry left unsealed by it is sealed by the next write,
// or by the repair. A sealer that loses a race to another writes the
// same hashes (Seal is deterministic).
func (db *DB) settleAndSeal(ctx context.Context, e *audit.Entry, filter bson.D) error {
	res, err := db.coll(collAudit).UpdateOne(ctx, filter, bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: string(e.State)}}}})
	if err != nil {
		return err
	}
	if res.MatchedCount == 0 {
		return nil // a repair settled it first (the change outlasted the grace)
	}
	return db.sealOn(ctx)
}

// sealOn seals settled entries in order from the last one known sealed
// (sealedHint; looked up once per process), one read per hundred entries
// and one update per entry sealed.
func (db *DB) sealOn(ctx context.Context) error {
	from := db.sealedHint.Load()
	if from == 0 {
		last, err := db.findAudit(ctx, "audit.last-sealed", bson.D{{Key: "sealed", Value: true}}, bson.D{{Key: "_id", Value: -1}}, 1)
		if err != nil {
			return err
		}
		if len(last) == 1 {
			from = last[0].Seq
		}
	}
	for {
		docs, err := db.findAudit(ctx, "audit.seal-page", bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: from}}}}, bson.D{{Key: "_id", Value: 1}}, 100)
		if err != nil {
			return err
		}
		var prev *audit.Entry
		if from > 0 {
			if len(docs) == 0 || docs[0].Seq != from || !docs[0].Sealed() {
				return db.seal(ctx, time.Time{}) // the hint is stale (entries removed): the slow way
			}
			prev, docs = docs[0], docs[1:]
		}
		want := from + 1
		for _, d := range docs {
			if d.Seq != want || d.State == audit.Pending {
				db.noteSealed(prev)
				return nil
			}
			if !d.Sealed() {
				d.Seal(prev)
				if _, err := db.coll(collAudit).UpdateOne(ctx, bson.D{{Key: "_id", Value: d.Seq}, {Key: "sealed", Value: false}},
					bson.D{{Key: "$set", Value: bson.D{{Key: "sealed", Value: true}, {Key: "prevHash", Value: d.PrevHash},
						{Key: "hash", Value: d.Hash}}}}); err != nil {
					return err
				}
			}
			prev, want = d, want+1
		}
		db.noteSealed(prev)
		if len(docs) < 99 || prev == nil {
			return nil
		}
		from = prev.Seq
	}
}

// noteSealed moves the hint forward to e (never back).
func (db *DB) noteSealed(e *audit.Entry) {
	if e == nil {
		return
	}
	for {
		cur := db.sealedHint.Load()
		if e.Seq <= cur || db.sealedHint.CompareAndSwap(cur, e.Seq) {
			return
		}
	}
}

// SettleAudit implements audit.Store.
func (db *DB) SettleAudit(ctx context.Context, seq int64, s audit.State) (err error) {
	defer errs.Wrap(&err, "mongo: SettleAudit %d", seq)
	_, err = db.coll(collAudit).UpdateOne(ctx, bson.D{{Key: "_id", Value: seq}, {Key: "state", Value: string(audit.Pending)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: string(s)}}}})
	return err
}

// RepairAudit implements audit.Store.
func (db *DB) RepairAudit(ctx context.Context, olderThan time.Time) (err error) {
	defer errs.Wrap(&err, "mongo: RepairAudit")
	return db.seal(ctx, olderThan)
}

// findAudit reads entries. Every read of the trail is by a range of the
// sequence or by fields other than it, so on a sharded cluster (audit is
// sharded by the hashed sequence number) it reaches every shard: scatter
// names the plan's declared scatter (shards.go, docs/sharding.md §4.5),
// sent as the command's comment for the tests' checker and the server's
// slow-query log.
func (db *DB) findAudit(ctx context.Context, scatter string, filter, sort bson.D, limit int) ([]*audit.Entry, error) {
	o := options.Find().SetLimit(int64(limit)).SetComment(ScatterComment(scatter))
	if len(sort) > 0 {
		o.SetSort(sort)
	}
	cur, err := db.coll(collAudit).Find(ctx, filter, o)
	if err != nil {
		return nil, err
	}
	var docs []*auditDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]*audit.Entry, len(docs))
	for i, d := range docs {
		out[i] = d.entry()
	}
	return out, nil
}

// seal links the settled entries after the last sealed one, in order.
// With fillBefore set, a missing number whose writer took it before then
// (a later entry, or the counter, is older) is filled with a Void entry.
func (db *DB) seal(ctx context.Context, fillBefore time.Time) error {
	last, err := db.findAudit(ctx, "audit.last-sealed", bson.D{{Key: "sealed", Value: true}}, bson.D{{Key: "_id", Value: -1}}, 1)
	if err != nil {
		return err
	}
	var prev *audit.Entry
	if len(last) == 1 {
		prev = last[0]
	}
	for {
		after := int64(0)
		if prev != nil {
			after = prev.Seq
		}
		next, err := db.findAudit(ctx, "audit.seal-page", bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}}, bson.D{{Key: "_id", Value: 1}}, 100)
		if err != nil {
			return err
		}
		want := after + 1
		if (len(next) == 0 || next[0].Seq != want) && !fillBefore.IsZero() {
			lost, err := db.lostSeq(ctx, want, next, fillBefore)
			if err != nil {
				return err
			}
			if lost {
				filler := &audit.Entry{Seq: want, At: fillBefore.UTC().Truncate(time.Millisecond), ActorID: "system",
					ActorName: "system:audit-repair", Action: audit.Create, ObjectType: audit.ObjFiller,
					ObjectID: "", State: audit.Void}
				if _, err := db.coll(collAudit).InsertOne(ctx, toAuditDoc(filler)); err != nil && !isDup(err) {
					return err
				}
				continue
			}
		}
		for _, e := range next {
			if e.Seq != want || e.State == audit.Pending {
				return nil
			}
			if !e.Sealed() {
				e.Seal(prev)
				// Another sealer that won wrote the same (Seal is
				// deterministic): a missed update changes nothing.
				if _, err := db.coll(collAudit).UpdateOne(ctx, bson.D{{Key: "_id", Value: e.Seq}, {Key: "sealed", Value: false}},
					bson.D{{Key: "$set", Value: bson.D{{Key: "sealed", Value: true}, {Key: "prevHash", Value: e.PrevHash},
						{Key: "hash", Value: e.Hash}}}}); err != nil {
					return err
				}
			}
			prev, want = e, want+1
		}
		if len(next) < 100 {
			return nil
		}
	}
}

// lostSeq reports whether number n, missing, was taken by a writer that
// died: one taken before fillBefore with no entry since.
func (db *DB) lostSeq(ctx context.Context, n int64, next []*audit.Entry, fillBefore time.Time) (bool, error) {
	if len(next) > 0 {
		return next[0].At.Before(fillBefore), nil
	}
	var head struct {
		Seq int64     `bson:"seq"`
		At  time.Time `bson:"at"`
	}
	err := db.coll(collAuditSeq).FindOne(ctx, bson.D{{Key: "_id", Value: auditSeqID}}).Decode(&head)
	if isNoDoc(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return head.Seq >= n && head.At.Before(fillBefore), nil
}

// ListAudit implements audit.Store: every filter but time is one key of
// the multikey index, so any combination is an equality on it.
func (db *DB) ListAudit(ctx context.Context, q audit.Query) (_ []*audit.Entry, err error) {
	defer errs.Wrap(&err, "mongo: ListAudit")
	keys := []string{"u:" + q.Under.Unit()}
	switch {
	case q.ObjectID != "":
		keys = append(keys, "o:"+q.ObjectType+":"+q.ObjectID)
	case q.ObjectType != "":
		keys = append(keys, "t:"+q.ObjectType)
	}
	if q.ActorID != "" {
		keys = append(keys, "a:"+q.ActorID)
	}
	filter := bson.D{{Key: "keys", Value: bson.D{{Key: "$all", Value: keys}}}}
	if len(keys) == 1 {
		filter = bson.D{{Key: "keys", Value: keys[0]}}
	}
	if q.After > 0 {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: q.After}}})
	}
	var at bson.D
	if !q.Since.IsZero() {
		at = append(at, bson.E{Key: "$gte", Value: q.Since.UTC()})
	}
	if !q.Until.IsZero() {
		at = append(at, bson.E{Key: "$lt", Value: q.Until.UTC()})
	}
	if len(at) > 0 {
		filter = append(filter, bson.E{Key: "at", Value: at})
	}
	return db.findAudit(ctx, "audit.list", filter, bson.D{{Key: "_id", Value: -1}}, q.Limit+1)
}

// AuditChain implements audit.Store.
func (db *DB) AuditChain(ctx context.Context, after int64, limit int) (_ []*audit.Entry, err error) {
	defer errs.Wrap(&err, "mongo: AuditChain")
	return db.findAudit(ctx, "audit.chain", bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}}, bson.D{{Key: "_id", Value: 1}}, limit)
}

// AuditHead implements audit.Store.
func (db *DB) AuditHead(ctx context.Context) (_ int64, err error) {
	defer errs.Wrap(&err, "mongo: AuditHead")
	var head struct {
		Seq int64 `bson:"seq"`
	}
	err = db.coll(collAuditSeq).FindOne(ctx, bson.D{{Key: "_id", Value: auditSeqID}}).Decode(&head)
	if isNoDoc(err) {
		return 0, nil
	}
	return head.Seq, err
}

// PendingAudit implements audit.Store.
func (db *DB) PendingAudit(ctx context.Context, olderThan time.Time, limit int) (_ []*audit.Entry, err error) {
	defer errs.Wrap(&err, "mongo: PendingAudit")
	return db.findAudit(ctx, "audit.pending", bson.D{{Key: "state", Value: string(audit.Pending)}, {Key: "at", Value: bson.D{{Key: "$lt", Value: olderThan.UTC()}}}},
		bson.D{{Key: "_id", Value: 1}}, limit)
}
