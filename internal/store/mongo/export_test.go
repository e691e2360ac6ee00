package mongo

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// MigrationCount is how many migrations a fresh database records.
func MigrationCount() int { return len(migrations()) }

// The contract's hooks to change the trail behind the store's back
// (storetest.AuditTamper), straight through the collection, and to lose
// a sequence number as a writer that crashed after taking it.

func (db *DB) TamperAudit(ctx context.Context, seq int64, after string) error {
	_, err := db.coll(collAudit).UpdateOne(ctx, bson.D{{Key: "_id", Value: seq}}, bson.D{{Key: "$set", Value: bson.D{{Key: "after", Value: after}}}})
	return err
}

func (db *DB) RemoveAudit(ctx context.Context, seq int64) error {
	_, err := db.coll(collAudit).DeleteOne(ctx, bson.D{{Key: "_id", Value: seq}})
	return err
}

func (db *DB) LoseAuditSeq(ctx context.Context) error {
	_, err := db.takeAuditSeq(ctx, time.Now().UTC())
	return err
}

// ErrCrash is what an injected crash returns: the store stops there, as a
// process killed at that point would.
var ErrCrash = errors.New("mongo: crash injected by a test")

// ClaimHooks are the national-ID claims' test seams (national_ids.go).
type ClaimHooks struct {
	// Now is the claims' clock (nil: the real one).
	Now func() time.Time
	// AfterClaim runs after a create or update wrote its claim, before the
	// member write; an error stops the store there (Crash: as a process
	// killed at that point).
	AfterClaim func(nationalID string) error
	// BeforeRelease runs after a leave's, a death's or an ID change's
	// member write, before the claim's release; an error stops it there.
	BeforeRelease func(nationalID string) error
}

// SetMoveCrash makes a member's move stop after its step n (1 the record,
// 2 the lock, 3 the new document, 4 the claim, 5 the stub), as a process
// killed there; 0 removes it. It replaces the claim hooks.
func (db *DB) SetMoveCrash(n int) {
	if n == 0 {
		db.testHooks.Store(nil)
		return
	}
	db.testHooks.Store(&claimHooks{afterMoveStep: func(step int) error {
		if step == n {
			return ErrCrash
		}
		return nil
	}})
}

// Crash is a hook that stops the store where it runs.
func Crash(string) error { return ErrCrash }

// SetClaimHooks installs h (the zero value removes them).
func (db *DB) SetClaimHooks(h ClaimHooks) {
	db.testHooks.Store(&claimHooks{now: h.Now, afterClaimHook: h.AfterClaim, beforeReleaseHook: h.BeforeRelease})
}

// ClaimMargin and ClaimTTL are the claims' deadline and margin, for tests
// that move the clock past them.
const (
	ClaimTTL    = claimTTL
	ClaimMargin = claimMargin
)
