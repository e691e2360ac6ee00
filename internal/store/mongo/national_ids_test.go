package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	store "github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/store/mongo/mongotest"
)

// The national-ID claims (national_ids.go, docs/sharding.md §5.1) under
// the faults the contract cannot inject: a process that stops after its
// claim or before its release, and one that loses its claim while paused.

// testClock is a settable clock for the claims.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

type claim struct {
	MemberID string    `bson:"memberId"`
	Province string    `bson:"province"`
	Until    time.Time `bson:"until"`
	Token    string    `bson:"token"`
}

// claimOf reads the claim of a national ID straight from the collection;
// nil when there is none.
func claimOf(t *testing.T, raw *driver.Database, nationalID string) *claim {
	t.Helper()
	var c claim
	err := raw.Collection("nationalIds").FindOne(context.Background(), bson.D{{Key: "_id", Value: nationalID}}).Decode(&c)
	if errors.Is(err, driver.ErrNoDocuments) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return &c
}

// claimMember is an active member of a branch of province p1.
func claimMember(id, nationalID string) (*members.Member, *members.Event) {
	m, ev := newMemberDoc(id, nationalID, time.Date(2026, 3, 8, 9, 30, 0, 0, time.UTC))
	m.Path = []string{"root", "p1", "b1"}
	return m, ev
}

// A create that stops after its claim leaves a claim naming a member that
// does not exist. Another member is refused until the claim's deadline and
// the margin have passed, then takes it over; the crashed create, retried
// under its own id, succeeds at once.
func TestACrashAfterTheClaimLeavesAStaleClaim(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	db := openStoreIn(t, ferretURI, name, nil)
	raw := connect(t, ferretURI).Database(name)
	t0 := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	clock := &testClock{t: t0}
	db.SetClaimHooks(store.ClaimHooks{Now: clock.Now, AfterClaim: store.Crash})

	crashed, cev := claimMember("m1", "034160000001")
	if err := db.CreateMember(ctx, crashed, cev); !errors.Is(err, store.ErrCrash) {
		t.Fatalf("create with a crash after the claim: %v", err)
	}
	c := claimOf(t, raw, "034160000001")
	if c == nil || c.MemberID != "m1" || c.Province != "p1" || !c.Until.Equal(t0.Add(store.ClaimTTL)) {
		t.Fatalf("claim after the crash: %+v, want m1's until %v", c, t0.Add(store.ClaimTTL))
	}
	if _, err := db.GetMember(ctx, "m1", members.InProvinces("p1")); !errs.Is(err, errs.NotFound) {
		t.Fatalf("the crashed create stored its member: %v", err)
	}
	if _, err := db.ActiveMemberByNationalID(ctx, "034160000001"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("a claim of a member never written names a holder: %v", err)
	}
	db.SetClaimHooks(store.ClaimHooks{Now: clock.Now})

	other, oev := claimMember("m2", "034160000001")
	for _, at := range []time.Time{t0, t0.Add(store.ClaimTTL), t0.Add(store.ClaimTTL + store.ClaimMargin)} {
		clock.Set(at)
		if err := db.CreateMember(ctx, other, oev); !errs.Is(err, errs.DuplicateNationalID) {
			t.Fatalf("another member at %v, before the deadline and margin passed: %v, want duplicate_national_id", at, err)
		}
	}
	if _, err := db.GetMember(ctx, "m2", members.InProvinces("p1")); !errs.Is(err, errs.NotFound) {
		t.Fatalf("a refused create stored its member: %v", err)
	}
	later := t0.Add(store.ClaimTTL + store.ClaimMargin + time.Second)
	clock.Set(later)
	if err := db.CreateMember(ctx, other, oev); err != nil {
		t.Fatalf("another member once the claim is stale: %v, want success", err)
	}
	if c2 := claimOf(t, raw, "034160000001"); c2 == nil || c2.MemberID != "m2" || c2.Token == c.Token || !c2.Until.Equal(later.Add(store.ClaimTTL)) {
		t.Fatalf("claim after the takeover: %+v (was %+v)", c2, c)
	}
	if h, err := db.ActiveMemberByNationalID(ctx, "034160000001"); err != nil || h.ID != "m2" {
		t.Fatalf("holder %v (%v), want m2", h, err)
	}
	// The crashed create retried now finds the ID held by a live member.
	if err := db.CreateMember(ctx, crashed, cev); !errs.Is(err, errs.DuplicateNationalID) {
		t.Fatalf("the crashed create retried after the takeover: %v, want duplicate_national_id", err)
	}

	// A crashed create retried at once (its own claim) succeeds.
	clock.Set(t0)
	db.SetClaimHooks(store.ClaimHooks{Now: clock.Now, AfterClaim: store.Crash})
	retried, rev := claimMember("m3", "034160000002")
	if err := db.CreateMember(ctx, retried, rev); !errors.Is(err, store.ErrCrash) {
		t.Fatalf("create with a crash after the claim: %v", err)
	}
	db.SetClaimHooks(store.ClaimHooks{Now: clock.Now})
	if err := db.CreateMember(ctx, retried, rev); err != nil {
		t.Fatalf("the crashed create retried at once: %v, want success", err)
	}
	if h, err := db.ActiveMemberByNationalID(ctx, "034160000002"); err != nil || h.ID != "m3" {
		t.Fatalf("holder %v (%v), want m3", h, err)
	}
	// and, being held by an active member, the claim is never stale
	clock.Set(t0.Add(time.Hour))
	late, lev := claimMember("m4", "034160000002")
	if err := db.CreateMember(ctx, late, lev); !errs.Is(err, errs.DuplicateNationalID) {
		t.Fatalf("a claim past its deadline whose member holds the ID: %v, want duplicate_national_id", err)
	}
}

// A leave that stops after its member write and before the release leaves
// a claim naming a member who left; its deadline passed when the member
// joined, so it is stale at once and another member claims the ID.
func TestACrashBeforeTheReleaseLeavesAClaimStaleAtOnce(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	db := openStoreIn(t, ferretURI, name, nil)
	raw := connect(t, ferretURI).Database(name)
	t0 := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	clock := &testClock{t: t0}
	db.SetClaimHooks(store.ClaimHooks{Now: clock.Now})
	x, xev := claimMember("m1", "034160000003")
	if err := db.CreateMember(ctx, x, xev); err != nil {
		t.Fatal(err)
	}

	clock.Set(t0.Add(24 * time.Hour)) // the member leaves a day later
	db.SetClaimHooks(store.ClaimHooks{Now: clock.Now, BeforeRelease: store.Crash})
	left, lev := nextMember(x, members.LeftEvent, func(n *members.Member) { n.Status, n.LeftOn = members.Left, civil.MustParse("2026-12-05") })
	if err := db.UpdateMember(ctx, left, lev); !errors.Is(err, store.ErrCrash) {
		t.Fatalf("leave with a crash before the release: %v", err)
	}
	if got, err := db.GetMember(ctx, "m1", members.InProvinces("p1")); err != nil || got.Status != members.Left {
		t.Fatalf("the leave's member write: %+v (%v)", got, err)
	}
	if c := claimOf(t, raw, "034160000003"); c == nil || c.MemberID != "m1" {
		t.Fatalf("claim after the crash: %+v, want m1's, unreleased", c)
	}
	if _, err := db.ActiveMemberByNationalID(ctx, "034160000003"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("a member who left is named the holder: %v", err)
	}
	db.SetClaimHooks(store.ClaimHooks{Now: clock.Now})
	y, yev := claimMember("m2", "034160000003")
	if err := db.CreateMember(ctx, y, yev); err != nil {
		t.Fatalf("another member after the crashed release: %v, want success", err)
	}
	if h, err := db.ActiveMemberByNationalID(ctx, "034160000003"); err != nil || h.ID != "m2" {
		t.Fatalf("holder %v (%v), want m2", h, err)
	}
}

// A writer paused past its claim's deadline may find, after its member
// write, that another member took the claim over: it undoes its write
// (the create's member is deleted; the update's previous state and
// history come back) and answers duplicate, one by one and in batches.
func TestAClaimLostBeforeTheCheckUndoesTheWrite(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	db := openStoreIn(t, ferretURI, name, nil)
	raw := connect(t, ferretURI).Database(name)
	// takeOver hands the claim to another member, as a takeover during the
	// pause would, between the claim and the member write.
	takeOver := func(id string) error {
		_, err := raw.Collection("nationalIds").UpdateOne(ctx, bson.D{{Key: "_id", Value: id}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "memberId", Value: "someone-else"}, {Key: "token", Value: "theirs"}}}})
		return err
	}

	db.SetClaimHooks(store.ClaimHooks{AfterClaim: takeOver})
	m, ev := claimMember("m1", "034160000004")
	if err := db.CreateMember(ctx, m, ev); !errs.Is(err, errs.DuplicateNationalID) {
		t.Fatalf("create whose claim was lost: %v, want duplicate_national_id", err)
	}
	if _, err := db.GetMember(ctx, "m1", members.InProvinces("p1")); !errs.Is(err, errs.NotFound) {
		t.Fatalf("the create whose claim was lost left its member: %v", err)
	}
	b1, b1ev := claimMember("m2", "034160000005")
	b2, b2ev := claimMember("m3", "")
	if err := db.CreateMembers(ctx, []*members.Member{b1, b2}, []*members.Event{b1ev, b2ev}); !errs.Is(err, errs.DuplicateNationalID) {
		t.Fatalf("batch whose claim was lost: %v, want duplicate_national_id", err)
	}
	if _, err := db.GetMember(ctx, "m2", members.InProvinces("p1")); !errs.Is(err, errs.NotFound) {
		t.Fatalf("the batch member whose claim was lost is stored: %v", err)
	}

	// An update (a rejoin) whose claim is lost comes back as it was.
	db.SetClaimHooks(store.ClaimHooks{})
	x, xev := claimMember("m4", "034160000006")
	if err := db.CreateMember(ctx, x, xev); err != nil {
		t.Fatal(err)
	}
	left, lev := nextMember(x, members.LeftEvent, func(n *members.Member) { n.Status, n.LeftOn = members.Left, civil.MustParse("2026-12-05") })
	if err := db.UpdateMember(ctx, left, lev); err != nil {
		t.Fatal(err)
	}
	back, bev := nextMember(left, members.Updated, func(n *members.Member) { n.Status, n.LeftOn = members.Active, civil.Date{} })
	db.SetClaimHooks(store.ClaimHooks{AfterClaim: takeOver})
	if err := db.UpdateMember(ctx, back, bev); !errs.Is(err, errs.DuplicateNationalID) {
		t.Fatalf("rejoin whose claim was lost: %v, want duplicate_national_id", err)
	}
	got, err := db.GetMember(ctx, "m4", members.InProvinces("p1"))
	if err != nil || got.Status != members.Left || got.Version != left.Version {
		t.Fatalf("after the undone rejoin: %+v (%v), want left at version %d", got, err, left.Version)
	}
	if h, _ := db.MemberHistory(ctx, "m4", members.InProvinces("p1")); len(h) != 2 || h[1].Type != members.LeftEvent {
		t.Fatalf("history after the undone rejoin: %+v, want joined, left", h)
	}
	var doc bson.M
	if err := raw.Collection("members").FindOne(ctx, bson.D{{Key: "_id", Value: "p1:m4"}}).Decode(&doc); err != nil || doc["activeNationalId"] != nil {
		t.Fatalf("the undone rejoin kept activeNationalId: %v (%v)", doc["activeNationalId"], err)
	}
	// the same in a batch (the claim given back first, so that the batch
	// claims it and loses it during the write)
	if _, err := raw.Collection("nationalIds").DeleteOne(ctx, bson.D{{Key: "_id", Value: "034160000006"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.UpdateMembers(ctx, []*members.Member{back}, []*members.Event{bev}); !errs.Is(err, errs.DuplicateNationalID) {
		t.Fatalf("batch rejoin whose claim was lost: %v, want duplicate_national_id", err)
	}
	if got, _ := db.GetMember(ctx, "m4", members.InProvinces("p1")); got.Status != members.Left || got.Version != left.Version {
		t.Fatalf("after the undone batch rejoin: %+v", got)
	}
}

// The data step of a database written before the claims: every active
// member with an ID gets its claim, the unique index goes, and the rule
// holds through the claims (a database that recorded the index's step is
// not taken for a newer one).
func TestNationalIDClaimsAreBuiltFromActiveMembers(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	db := openStoreIn(t, ferretURI, name, nil)
	raw := connect(t, ferretURI).Database(name)
	a, aev := claimMember("m1", "034160000011")
	b, bev := claimMember("m2", "034160000012")
	gone, gev := claimMember("m3", "034160000013")
	none, nev := claimMember("m4", "")
	for i, m := range []*members.Member{a, b, gone, none} {
		if err := db.CreateMember(ctx, m, []*members.Event{aev, bev, gev, nev}[i]); err != nil {
			t.Fatal(err)
		}
	}
	left, lev := nextMember(gone, members.LeftEvent, func(n *members.Member) { n.Status, n.LeftOn = members.Left, civil.MustParse("2026-12-05") })
	if err := db.UpdateMember(ctx, left, lev); err != nil {
		t.Fatal(err)
	}

	// Back to the old shape: no claims, the unique index, its step recorded.
	if _, err := raw.Collection("nationalIds").DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: ""}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Collection("members").Indexes().CreateOne(ctx, driver.IndexModel{Keys: bson.D{{Key: "activeNationalId", Value: 1}},
		Options: options.Index().SetName("members_active_national_id").SetUnique(true).SetSparse(true)}); err != nil {
		t.Fatal(err)
	}
	mig := raw.Collection("migrations")
	if _, err := mig.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{
		"data nationalIds from members", "drop index members.members_active_national_id"}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := mig.InsertOne(ctx, bson.D{{Key: "_id", Value: "index members.members_active_national_id"}, {Key: "appliedAt", Value: time.Now()}}); err != nil {
		t.Fatal(err)
	}

	again, err := store.Open(ctx, store.Options{URI: ferretURI, Database: name})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	for id, holder := range map[string]string{"034160000011": "m1", "034160000012": "m2"} {
		if c := claimOf(t, raw, id); c == nil || c.MemberID != holder || c.Province != "p1" {
			t.Errorf("claim of %s: %+v, want %s's", id, c, holder)
		}
		if h, err := again.ActiveMemberByNationalID(ctx, id); err != nil || h.ID != holder {
			t.Errorf("holder of %s: %v (%v), want %s", id, h, err, holder)
		}
	}
	if c := claimOf(t, raw, "034160000013"); c != nil {
		t.Errorf("a member who left got a claim: %+v", c)
	}
	n, err := raw.Collection("nationalIds").CountDocuments(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: ""}}}})
	if err != nil || n != 2 {
		t.Errorf("%d claims (%v), want 2", n, err)
	}
	specs, err := raw.Collection("members").Indexes().ListSpecifications(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range specs {
		if s.Name == "members_active_national_id" {
			t.Error("the unique index members_active_national_id is left")
		}
	}
	dup, dev := claimMember("m5", "034160000011")
	if err := again.CreateMember(ctx, dup, dev); !errs.Is(err, errs.DuplicateNationalID) {
		t.Errorf("a second holder after the step: %v, want duplicate_national_id", err)
	}
	// A member who left may be joined by another with the ID: nothing
	// holds it, index or claim.
	other, oev := claimMember("m6", "034160000013")
	if err := again.CreateMember(ctx, other, oev); err != nil {
		t.Errorf("the ID of a member who left: %v, want success", err)
	}
}

// Creates racing for one ID from two processes (two stores on one
// database), and takeovers racing for one stale claim, keep exactly one
// holder: on FerretDB, and on a real MongoDB when SOHOI_TEST_MONGODB_URI
// is set.
//
// The takeovers race on a real MongoDB only. A takeover is a
// compare-and-swap, an update with the claim's token in its filter, which
// MongoDB applies atomically; FerretDB v1 does not: its update queries the
// filter, then writes each document found by _id (handler/msg_update.go),
// so eight updates with one filter on one document match up to five times
// (measured on 2026-12-04 with FerretDB 1.24.2). Every version-guarded
// update of the adapter shares that limit on FerretDB. Creates race by
// inserts, which the _id index decides on both.
func TestConcurrentClaimsKeepOneHolder(t *testing.T) {
	t.Run("ferretdb", func(t *testing.T) { concurrentClaims(t, ferretURI, false) })
	t.Run("mongodb", func(t *testing.T) {
		uri := os.Getenv(mongoURIEnv)
		if uri == "" {
			t.Skip(mongoURIEnv + " is not set")
		}
		concurrentClaims(t, uri, true)
	})
}

func concurrentClaims(t *testing.T, uri string, atomicUpdates bool) {
	ctx := testCtx(t)
	name := newDBName()
	rec := mongotest.NewRecorder()
	procs := []*store.DB{openStoreIn(t, uri, name, rec), openStoreIn(t, uri, name, rec)}
	t0 := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	clock := &testClock{t: t0}
	for _, p := range procs {
		p.SetClaimHooks(store.ClaimHooks{Now: clock.Now})
	}
	// race runs n creates of nationalID at once, spread over the two
	// processes, and returns the ids of the winners.
	race := func(nationalID string, round, n int) []string {
		var mu sync.Mutex
		var won []string
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			m, ev := claimMember(fmt.Sprintf("r%d-%02d", round, i), nationalID)
			wg.Go(func() {
				<-start
				err := procs[i%2].CreateMember(ctx, m, ev)
				switch {
				case err == nil:
					mu.Lock()
					won = append(won, m.ID)
					mu.Unlock()
				case !errs.Is(err, errs.DuplicateNationalID):
					t.Errorf("create %s: %v, want success or duplicate_national_id", m.ID, err)
				}
			})
		}
		close(start)
		wg.Wait()
		return won
	}
	for round := range 5 {
		id := fmt.Sprintf("0341600001%02d", round)
		if won := race(id, round, 8); len(won) != 1 {
			t.Fatalf("round %d: %d creates of one ID succeeded (%v), want 1", round, len(won), won)
		}
	}

	for _, problem := range rec.Uncovered(store.Indexes) {
		t.Error(problem)
	}
	checkShardPlan(t, rec, false)
	t.Run("takeovers", func(t *testing.T) {
		if !atomicUpdates {
			t.Skip("racing takeovers need atomic updates, which FerretDB v1 has not (see above)")
		}
		// A stale claim (a crash after the claim), taken over by 8 at once.
		procs[0].SetClaimHooks(store.ClaimHooks{Now: clock.Now, AfterClaim: store.Crash})
		crashed, cev := claimMember("crashed", "034160000200")
		if err := procs[0].CreateMember(ctx, crashed, cev); !errors.Is(err, store.ErrCrash) {
			t.Fatal(err)
		}
		procs[0].SetClaimHooks(store.ClaimHooks{Now: clock.Now})
		clock.Set(t0.Add(store.ClaimTTL + store.ClaimMargin + time.Second))
		won := race("034160000200", 99, 8)
		if len(won) != 1 {
			t.Fatalf("%d takeovers of one stale claim succeeded (%v), want 1", len(won), won)
		}
		if h, err := procs[1].ActiveMemberByNationalID(ctx, "034160000200"); err != nil || h.ID != won[0] {
			t.Fatalf("holder %v (%v), want %s", h, err, won[0])
		}
	})
}

// nextMember is m changed by fn as its next version, with the event.
func nextMember(m *members.Member, typ members.EventType, fn func(*members.Member)) (*members.Member, *members.Event) {
	n := *m
	fn(&n)
	n.Version = m.Version + 1
	n.UpdatedAt = m.UpdatedAt.Add(time.Minute)
	return &n, &members.Event{MemberID: m.ID, Seq: n.Version, Type: typ, At: n.UpdatedAt, ActorID: "u2", ActorName: "secretary"}
}

// A claim keeps the province of its holder: a transfer to a branch of
// another province, and a restructure that moves a branch there, move it.
func TestClaimsFollowTheMemberToAnotherProvince(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	db := openStoreIn(t, ferretURI, name, nil)
	raw := connect(t, ferretURI).Database(name)
	m, ev := claimMember("m1", "034160000021")
	if err := db.CreateMember(ctx, m, ev); err != nil {
		t.Fatal(err)
	}
	moved, mev := nextMember(m, members.Transferred, func(n *members.Member) { n.BranchID, n.Path = "b2", []string{"root", "p2", "b2"} })
	if err := db.MoveMember(ctx, m, moved, mev); err != nil {
		t.Fatal(err)
	}
	if c := claimOf(t, raw, "034160000021"); c == nil || c.MemberID != "m1" || c.Province != "p2" {
		t.Fatalf("claim after a transfer to p2: %+v", c)
	}
	for after := ""; ; {
		next, err := db.RewritePaths(ctx, []string{"root", "p2", "b2"}, []string{"root", "p3", "b2"}, after, 10)
		if err != nil {
			t.Fatal(err)
		}
		if next == "" {
			break
		}
		after = next
	}
	if c := claimOf(t, raw, "034160000021"); c == nil || c.MemberID != "m1" || c.Province != "p3" {
		t.Fatalf("claim after its branch moved to p3: %+v", c)
	}
	if h, err := db.ActiveMemberByNationalID(ctx, "034160000021"); err != nil || h.ID != "m1" {
		t.Fatalf("holder %v (%v)", h, err)
	}
}

// A writer whose claim's deadline runs out before the member write (the
// clock moved on past it after the claim) writes nothing, gives the claim
// back, and answers server_busy with a Retry-After.
func TestAClaimThatRanOutWritesNothing(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	db := openStoreIn(t, ferretURI, name, nil)
	raw := connect(t, ferretURI).Database(name)
	t0 := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	clock := &testClock{t: t0}
	db.SetClaimHooks(store.ClaimHooks{Now: clock.Now, AfterClaim: func(string) error {
		clock.Set(t0.Add(store.ClaimTTL - time.Second)) // a slow database
		return nil
	}})
	m, ev := claimMember("m1", "034160000031")
	err := db.CreateMember(ctx, m, ev)
	if e := errs.As(err); e == nil || e.Code != errs.Busy || e.RetryAfterSeconds < 1 {
		t.Fatalf("create whose claim ran out: %v, want server_busy with a Retry-After", err)
	}
	if _, err := db.GetMember(ctx, "m1", members.InProvinces("p1")); !errs.Is(err, errs.NotFound) {
		t.Fatalf("a create whose claim ran out stored its member: %v", err)
	}
	if c := claimOf(t, raw, "034160000031"); c != nil {
		t.Fatalf("the claim that ran out was kept: %+v", c)
	}
}
