package mongo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
)

// One active holder per national ID (docs/sharding.md §5.1). A unique
// index on members cannot enforce it once members is sharded (a unique
// index must start with the shard key), so the rule lives in a collection
// of its own keyed by the ID: nationalIds, one claim per ID held,
// {_id: <national ID>, memberId, province, until, token}. The claim is the
// truth: the member it names is the active holder; a member document's
// activeNationalId is a copy. Every write is one single-document command
// on the claim's _id (no transaction; FerretDB v1 has none, and its
// findAndModify is not atomic, so the compare-and-swap is an update with
// the token in its filter).
//
// A holder claims first, writes the member only while its claim's
// deadline has not passed, then checks that the claim still names it. A
// claim whose deadline passed long ago (by claimMargin) and whose member
// does not actively hold the ID is stale: a crash after the claim and
// before the member write, or after a leave's member write and before the
// release. The next claimant takes a stale claim over.
const collNationalIDs = "nationalIds"

const (
	// claimTTL is how long a fresh claim protects the member write that
	// follows it: a request's whole deadline, so that a live writer never
	// loses its claim before it writes.
	claimTTL = time.Minute
	// claimMargin is how long past its deadline a claim is still honoured,
	// for the clock skew between two hosts (they keep NTP time) and a
	// writer paused between its deadline check and its write.
	claimMargin = 30 * time.Second
	// claimGuard is how much of its deadline a writer leaves unused: it
	// writes the member only while now < until - claimGuard.
	claimGuard = 5 * time.Second
	// claimRounds bounds the read–decide–write loop of a claim that keeps
	// changing under it (another claimant each round): it then answers
	// duplicate, as a claim it lost would.
	claimRounds = 5
)

type claimDoc struct {
	ID       string    `bson:"_id"`
	MemberID string    `bson:"memberId"`
	Province string    `bson:"province"`
	Until    time.Time `bson:"until"`
	Token    string    `bson:"token"`
}

// held is a claim this process holds. fresh: it did not name the member
// before (inserted or taken over), so undoing a failed write releases it;
// a refreshed claim of the member's own is left as it was found.
type held struct {
	id, memberID, token string
	until               time.Time
	fresh               bool
}

// provinceOf is the province of a member's branch: path[1] (the root's own
// is path[0]). Kept on the claim, where a sharded cluster will look the
// holder up (§4.1); nothing reads it yet.
func provinceOf(m *members.Member) string { return provinceOfPath(m.Path) }

func provinceOfPath(path []string) string {
	switch {
	case len(path) > 1:
		return path[1]
	case len(path) == 1:
		return path[0]
	}
	return ""
}

// followProvince is the update that moves the claim of a member who keeps
// holding its ID to its new province (a transfer, a restructure), or nil
// when the province is the same. Best effort, after the member write: a
// claim left with the old province still names the right member.
func followProvince(nationalID, memberID, from, to string) driver.WriteModel {
	if nationalID == "" || from == to {
		return nil
	}
	return driver.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: nationalID}, {Key: "memberId", Value: memberID}}).
		SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "province", Value: to}}}})
}

// followProvinces sends the updates of followProvince in one unordered
// bulk write; errors are dropped, as the province is only a hint today.
func (db *DB) followProvinces(ctx context.Context, models []driver.WriteModel) {
	if len(models) > 0 {
		_, _ = db.coll(collNationalIDs).BulkWrite(context.WithoutCancel(ctx), models, options.BulkWrite().SetOrdered(false))
	}
}

func newToken() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (db *DB) newClaim(m *members.Member) claimDoc {
	return claimDoc{ID: m.ActiveNationalID(), MemberID: m.ID, Province: provinceOf(m),
		Until: db.now().Add(claimTTL).Truncate(time.Millisecond), Token: newToken()}
}

// claim makes m the claimant of its active national ID: a new claim, its
// own refreshed, or a stale one taken over; errs.DuplicateNationalID when
// another member's live claim holds the ID.
func (db *DB) claim(ctx context.Context, m *members.Member) (held, error) {
	c := db.newClaim(m)
	_, err := db.coll(collNationalIDs).InsertOne(ctx, c)
	if err == nil {
		return held{id: c.ID, memberID: m.ID, token: c.Token, until: c.Until, fresh: true}, db.hooks().afterClaim(c.ID)
	}
	if !isDup(err) {
		return held{}, err
	}
	h, err := db.contest(ctx, m)
	if err != nil {
		return held{}, err
	}
	return h, db.hooks().afterClaim(h.id)
}

// contest settles a claim insert that found the ID claimed: a claim of m's
// own is refreshed, a stale one taken over by compare-and-swap on its
// token, a live one of another member is a duplicate. Each round reads
// the claim again, since another claimant may have changed it.
func (db *DB) contest(ctx context.Context, m *members.Member) (held, error) {
	coll := db.coll(collNationalIDs)
	for range claimRounds {
		c := db.newClaim(m)
		var cur claimDoc
		err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: c.ID}}).Decode(&cur)
		if isNoDoc(err) { // released meanwhile
			if _, err := coll.InsertOne(ctx, c); err == nil {
				return held{id: c.ID, memberID: m.ID, token: c.Token, until: c.Until, fresh: true}, nil
			} else if !isDup(err) {
				return held{}, err
			}
			continue
		}
		if err != nil {
			return held{}, err
		}
		set := bson.D{{Key: "$set", Value: bson.D{{Key: "memberId", Value: m.ID}, {Key: "province", Value: c.Province},
			{Key: "until", Value: c.Until}, {Key: "token", Value: c.Token}}}}
		filter := bson.D{{Key: "_id", Value: c.ID}, {Key: "memberId", Value: cur.MemberID}}
		own := cur.MemberID == m.ID
		if !own {
			stale, err := db.stale(ctx, &cur)
			if err != nil {
				return held{}, err
			}
			if !stale {
				return held{}, duplicateNationalID()
			}
			filter = append(filter, bson.E{Key: "token", Value: cur.Token})
		}
		res, err := coll.UpdateOne(ctx, filter, set)
		if err != nil {
			return held{}, err
		}
		if res.MatchedCount == 1 {
			return held{id: c.ID, memberID: m.ID, token: c.Token, until: c.Until, fresh: !own}, nil
		}
	}
	return held{}, duplicateNationalID()
}

// stale reports whether c may be taken over: its deadline passed more than
// claimMargin ago, and the member it names is not an active holder of the
// ID (missing, left, dead, or holding another ID).
func (db *DB) stale(ctx context.Context, c *claimDoc) (bool, error) {
	if !db.now().After(c.Until.Add(claimMargin)) {
		return false, nil
	}
	holds, err := db.holds(ctx, c)
	return !holds, err
}

// holds reports whether the member claim c names is active with its ID.
func (db *DB) holds(ctx context.Context, c *claimDoc) (bool, error) {
	m, err := db.claimedMember(ctx, c)
	return err == nil && m != nil && m.ActiveNationalID() == c.ID, err
}

// claimedMember is the member claim c names as a reader sees it, or nil:
// read in the claim's province, following a stub there to the province it
// names; every province (members.by-id) when neither finds it, since the
// claim's province is a hint that follows the member after its write
// (best effort), and a claim of older data may have none.
func (db *DB) claimedMember(ctx context.Context, c *claimDoc) (*members.Member, error) {
	for p, hops := c.Province, 0; p != "" && hops < 2; hops++ {
		docs, err := db.memberDocs(ctx, c.MemberID, members.InProvinces(p), memberProjection)
		if err != nil {
			return nil, err
		}
		if d := liveOf(docs); d != nil {
			return d.member(), nil
		}
		p = ""
		if len(docs) == 1 {
			p = docs[0].LivesIn
		}
	}
	return db.findMember(ctx, c.MemberID, members.Everywhere, nil)
}

// inTime refuses a member write whose claim's deadline (less claimGuard)
// has passed on this process's clock: another process may take the claim
// over soon. The claim is released if it was fresh; the client retries.
func (db *DB) inTime(ctx context.Context, h held) error {
	if db.now().Before(h.until.Add(-claimGuard)) {
		return nil
	}
	db.undoClaim(ctx, h)
	e := errs.E(errs.Busy, "the national ID's claim ran out before the member was written; try again")
	e.RetryAfterSeconds = 1
	return e
}

// stillHolds is the check after the member write: the claim still names
// the member (it was not taken over while this process was paused).
func (db *DB) stillHolds(ctx context.Context, h held) (bool, error) {
	var cur claimDoc
	err := db.coll(collNationalIDs).FindOne(ctx, bson.D{{Key: "_id", Value: h.id}}).Decode(&cur)
	if isNoDoc(err) {
		return false, nil
	}
	return err == nil && cur.MemberID == h.memberID, err
}

// undoClaim gives back a fresh claim whose member write did not happen:
// only the claim as this process wrote it (its token), so a later claim
// of the same member by a retry is left alone. Best effort: a claim left
// behind is stale once its deadline and the margin have passed.
func (db *DB) undoClaim(ctx context.Context, h held) {
	if !h.fresh {
		return
	}
	ctx = context.WithoutCancel(ctx)
	_, _ = db.coll(collNationalIDs).DeleteOne(ctx, bson.D{{Key: "_id", Value: h.id}, {Key: "memberId", Value: h.memberID}, {Key: "token", Value: h.token}})
}

// release frees nationalID after member id's write that dropped it (a
// leave, a death, an ID changed or removed): only a claim naming the
// member. Best effort: the member write has happened and is the answer; a
// claim left behind (a crash, a lost connection) names a member that no
// longer holds the ID, and its deadline passed when the member joined, so
// it is stale at once and the next claimant takes it over.
func (db *DB) release(ctx context.Context, nationalID, id string) error {
	if err := db.hooks().beforeRelease(nationalID); err != nil {
		return err
	}
	_, _ = db.coll(collNationalIDs).DeleteOne(context.WithoutCancel(ctx), bson.D{{Key: "_id", Value: nationalID}, {Key: "memberId", Value: id}})
	return nil
}

// ActiveMemberByNationalID implements members.Store: the claim names the
// holder, who must be active with the ID (a stale claim names a member
// who left, or one never written).
func (db *DB) ActiveMemberByNationalID(ctx context.Context, nationalID string) (_ *members.Member, err error) {
	defer errs.Wrap(&err, "mongo: ActiveMemberByNationalID (an ID)")
	none := errs.E(errs.NotFound, "no active member holds this national ID")
	var c claimDoc
	err = db.coll(collNationalIDs).FindOne(ctx, bson.D{{Key: "_id", Value: nationalID}}).Decode(&c)
	if isNoDoc(err) {
		return nil, none
	}
	if err != nil {
		return nil, err
	}
	m, err := db.claimedMember(ctx, &c)
	if err != nil {
		return nil, err
	}
	if m == nil || m.ActiveNationalID() != nationalID {
		return nil, none
	}
	return m, nil
}

// claimHooks are the tests' seams (export_test.go): the clock, and crashes
// injected after a claim and before a release. Production has none.
type claimHooks struct {
	now               func() time.Time
	afterClaimHook    func(nationalID string) error
	beforeReleaseHook func(nationalID string) error
	// afterMoveStep runs after step n of a member's move (member_moves.go).
	afterMoveStep func(n int) error
}

func (h *claimHooks) afterClaim(id string) error {
	if h == nil || h.afterClaimHook == nil {
		return nil
	}
	return h.afterClaimHook(id)
}

func (h *claimHooks) beforeRelease(id string) error {
	if h == nil || h.beforeReleaseHook == nil {
		return nil
	}
	return h.beforeReleaseHook(id)
}

func (db *DB) hooks() *claimHooks { return db.testHooks.Load() }

// now is the claims' clock.
func (db *DB) now() time.Time {
	if h := db.hooks(); h != nil && h.now != nil {
		return h.now().UTC()
	}
	return time.Now().UTC()
}
