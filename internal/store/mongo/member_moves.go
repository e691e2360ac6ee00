package mongo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// A member moving to another province (docs/sharding.md §5.3). Its
// document is keyed by its province, which MongoDB lets a write change
// only inside a transaction, so the move is a resumable copy: a record in
// memberMoves, the old document locked (moving), the new one written (the
// commit point), the claim's province following, the old one turned into
// a stub that keeps what counting reads of the branches the member left,
// the record deleted. Every step is safe to run again, so whoever meets a
// move unfinished (an update that finds the document locked, a create of
// another move of the member, the store's start) finishes it from the
// record.
//
// A method of its own rather than a branch inside UpdateMember: only the
// caller knows the province the member leaves (UpdateMember is given the
// new state, and finding the old would ask every shard), and the service
// already holds it (members.Service.storeChange).
const collMemberMoves = "memberMoves"

// moveDoc is a move in progress: member _id leaving province from at
// version for province to, with its new state and the event to append.
type moveDoc struct {
	ID      string      `bson:"_id"`
	From    string      `bson:"from"`
	To      string      `bson:"to"`
	Version int         `bson:"version"`
	State   memberState `bson:"state"`
	Event   eventDoc    `bson:"event"`
	At      time.Time   `bson:"at"`
}

// statusElsewhere is a stub's status: not one the API knows, so no list
// (status $in the three real ones) ever meets a stub.
const statusElsewhere = "elsewhere"

// MoveMember implements members.Store: within a province an update
// (UpdateMember); across provinces the move above. It keeps the member's
// national ID (a transfer does not change it); a change that also claims
// or releases one is refused, as no service sends it.
func (db *DB) MoveMember(ctx context.Context, prev, m *members.Member, ev *members.Event) (err error) {
	from, to := provinceOf(prev), provinceOf(m)
	if from == to {
		return db.UpdateMember(ctx, m, ev)
	}
	defer errs.Wrap(&err, "mongo: MoveMember %s from %s to %s", m.ID, from, to)
	if m.Version != prev.Version+1 || prev.ActiveNationalID() != m.ActiveNationalID() {
		return fmt.Errorf("a move changes the province alone: version %d after %d, a national ID changed: %v",
			m.Version, prev.Version, prev.ActiveNationalID() != m.ActiveNationalID())
	}
	r := moveDoc{ID: m.ID, From: from, To: to, Version: prev.Version, State: toMemberState(m), Event: toEventDoc(ev),
		At: time.Now().UTC().Truncate(time.Millisecond)}
	for try := 0; ; try++ {
		_, err = db.coll(collMemberMoves).InsertOne(ctx, r)
		if !isDup(err) || try == 1 {
			break
		}
		// Another move of the member is unfinished: finish it first; this
		// one then misses on the version, as any change after another.
		if _, err := db.resumeMove(ctx, m.ID); err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	if err := db.moveStep(1); err != nil {
		return err
	}
	return db.runMove(ctx, &r, false)
}

// resumeMove finishes member id's move, if one is recorded (found).
func (db *DB) resumeMove(ctx context.Context, id string) (found bool, _ error) {
	var r moveDoc
	err := db.coll(collMemberMoves).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&r)
	if isNoDoc(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	err = db.runMove(ctx, &r, true)
	if errs.Is(err, errs.VersionMismatch) {
		return true, nil // the move lost to another change: nothing left to finish
	}
	return true, err
}

// ResumeMoves finishes every recorded move (at start: those a crash left;
// one still running in another process is finished twice, which each
// step allows).
func (db *DB) ResumeMoves(ctx context.Context) (err error) {
	defer errs.Wrap(&err, "mongo: ResumeMoves")
	cur, err := db.coll(collMemberMoves).Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: ""}}}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return err
	}
	var ids []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return err
	}
	for _, d := range ids {
		if _, err := db.resumeMove(ctx, d.ID); err != nil {
			return err
		}
	}
	return nil
}

// runMove runs the steps of move r after its record (2 to 6 of §5.3).
// resumed: by someone other than the MoveMember that recorded it, whose
// caller counted the change around a write that then failed (its settle
// recounted the branches before the move was done): the branches left and
// joined are marked stale again, as stored, for the settler's next sweep.
func (db *DB) runMove(ctx context.Context, r *moveDoc, resumed bool) error {
	coll := db.coll(collMembers)
	old := memberFilter(r.From, r.ID)
	// 2. Lock the old document at the version moved from: from here every
	// update of it misses (moving: null in their filters).
	if _, err := coll.UpdateOne(ctx, append(old, bson.E{Key: "version", Value: r.Version}, bson.E{Key: "moving", Value: nil}),
		bson.D{{Key: "$set", Value: bson.D{{Key: "moving", Value: r.To}}}}); err != nil {
		return err
	}
	var d memberDoc
	err := coll.FindOne(ctx, old).Decode(&d)
	if err != nil && !isNoDoc(err) {
		return err
	}
	done := err == nil && d.Kind == kindStub && d.LivesIn == r.To // steps 3 and 5 were run
	if !done && (err != nil || d.Moving != r.To || d.State.Version != r.Version) {
		// Changed before the lock: the move never happened.
		if _, err := db.coll(collMemberMoves).DeleteOne(ctx, bson.D{{Key: "_id", Value: r.ID}, {Key: "version", Value: r.Version}}); err != nil {
			return err
		}
		return errs.E(errs.VersionMismatch, "member %s changed before its move to another province", r.ID)
	}
	if err := db.moveStep(2); err != nil {
		return err
	}
	if !done {
		// 3. The new document, the commit point: an upsert that replaces
		// only an older one (a stub left there before is at version 0); a
		// newer one there already is a duplicate key: done before.
		next := memberDoc{ID: memberKey(r.To, r.ID), MemberID: r.ID, Province: r.To, Kind: kindLive, State: r.State,
			History: append(d.History, r.Event)}
		_, err := coll.ReplaceOne(ctx, append(memberFilter(r.To, r.ID), bson.E{Key: "version", Value: bson.D{{Key: "$lt", Value: r.Version + 1}}}),
			next, options.Replace().SetUpsert(true))
		if err != nil && !isDup(err) {
			return err
		}
	}
	if err := db.moveStep(3); err != nil {
		return err
	}
	// 4. The claim follows (a hint: a reader landing on the stub follows
	// livesIn).
	if w := followProvince(r.State.ActiveNationalID, r.ID, r.From, r.To); w != nil {
		db.followProvinces(ctx, []driver.WriteModel{w})
	}
	if err := db.moveStep(4); err != nil {
		return err
	}
	// 5. The old document becomes a stub.
	if _, err := coll.UpdateOne(ctx, append(old, bson.E{Key: "moving", Value: r.To}), stubUpdate(r.To, &r.State)); err != nil {
		return err
	}
	if err := db.moveStep(5); err != nil {
		return err
	}
	if resumed {
		db.markMoved(ctx, r, d.State.Path)
	}
	// 6. Done.
	_, err = db.coll(collMemberMoves).DeleteOne(ctx, bson.D{{Key: "_id", Value: r.ID}, {Key: "version", Value: r.Version}})
	return err
}

// markMoved marks the branches a resumed move r left (at path from) and
// joined, onward from the day of its event, as one stored change. Best
// effort: a mark lost here leaves the tallies to the next reconcile, as a
// lost settle does.
func (db *DB) markMoved(ctx context.Context, r *moveDoc, from []string) {
	change := "move:" + r.ID + "@" + strconv.Itoa(r.Version)
	var marks []rollups.Mark
	for _, p := range []unitpath.Path{from, r.State.Path} {
		if len(p) > 0 {
			marks = append(marks, rollups.Mark{UnitID: p.Unit(), Path: p, Onward: true, From: r.Event.On, Change: change, Stored: true})
		}
	}
	_, _ = db.MarkStale(context.WithoutCancel(ctx), marks)
}

// stubUpdate turns a live document into the stub of a member now living
// in province livesIn with state s: it keeps the periods and what
// counting reads of them (stints, gender, birthDate, joinedOn;
// rollups.PeriodsIn), as s has them (a transfer ends the period it
// leaves), and the name, at version 0 (no update's version matches it; a
// move back replaces it). Everything a list, a search, an import lookup
// or a claim reads goes, and the personal data with it.
func stubUpdate(livesIn string, s *memberState) bson.D {
	unset := bson.D{}
	for _, f := range []string{"moving", "path", "scopeWords", "activeNationalId", "history", "branchId", "memberNo", "nameKey",
		"sortKey", "nationalId", "phone", "address", "leftOn", "leaveReason"} {
		unset = append(unset, bson.E{Key: f, Value: ""})
	}
	return bson.D{
		{Key: "$set", Value: bson.D{{Key: "kind", Value: kindStub}, {Key: "status", Value: statusElsewhere},
			{Key: "livesIn", Value: livesIn}, {Key: "version", Value: 0}, {Key: "fullName", Value: s.FullName},
			{Key: "gender", Value: s.Gender}, {Key: "birthDate", Value: s.BirthDate}, {Key: "joinedOn", Value: s.JoinedOn},
			{Key: "stints", Value: s.Stints}, {Key: "updatedAt", Value: s.UpdatedAt}}},
		{Key: "$unset", Value: unset},
	}
}

// moveStep is the test seam after step n of a move (export_test.go).
func (db *DB) moveStep(n int) error {
	if h := db.hooks(); h != nil && h.afterMoveStep != nil {
		return h.afterMoveStep(n)
	}
	return nil
}
