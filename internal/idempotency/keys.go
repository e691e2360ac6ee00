// Package idempotency makes a retried create answer what the first one
// did (the Idempotency-Key header): the first request with a key claims
// it and stores its answer; a retry with the same key by the same user
// gets that answer back and changes nothing; a retry while the first is
// still running waits for it. It knows no HTTP: the API's middleware
// says what a request and its answer are.
package idempotency

import (
	"context"
	"time"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
)

const (
	// TTL is how long a key answers its first answer.
	TTL = 24 * time.Hour
	// abandonAfter is when a pending claim is taken for abandoned (its
	// process died): no create takes that long.
	abandonAfter = 5 * time.Minute
	// maxKey is the longest key taken.
	maxKey = 255
)

// Keys applies the rules of idempotency keys over a store.
type Keys struct {
	store Store
	now   func() time.Time
	// Wait is how long a retry waits for the first request with its key
	// to finish before it is answered 409; Poll how often it looks.
	Wait, Poll time.Duration
}

// New returns Keys on store; now is the clock.
func New(store Store, now func() time.Time) *Keys {
	if now == nil {
		now = time.Now
	}
	return &Keys{store: store, now: now, Wait: 30 * time.Second, Poll: 20 * time.Millisecond}
}

// Claim is a key held by the request that runs: Finish stores its
// answer, Release lets a retry run it again (after a failure that changed
// nothing).
type Claim struct {
	keys *Keys
	rec  Record
}

// CheckKey validates a key as sent: 1 to 255 visible ASCII characters.
func CheckKey(key string) error {
	ok := key != "" && len(key) <= maxKey
	for i := 0; ok && i < len(key); i++ {
		ok = key[i] > ' ' && key[i] < 0x7f
	}
	if !ok {
		return (errs.Fields{{Field: "Idempotency-Key", Message: "must be 1 to 255 visible ASCII characters (a UUID, say)"}}).Err()
	}
	return nil
}

// Begin claims key for userID's request of the given fingerprint. It
// returns the stored answer when the key has one for the same request
// (replay it), a Claim when the request is to run now, or an error: the
// key used for another request (idempotency_key_reused), or the first
// request still running after Wait (conflict).
func (k *Keys) Begin(ctx context.Context, userID, key, fingerprint string) (*Answer, *Claim, error) {
	if err := CheckKey(key); err != nil {
		return nil, nil, err
	}
	// The wait is real time, whatever the clock of the records says.
	deadline := time.Now().Add(k.Wait)
	for {
		now := k.now()
		rec := Record{UserID: userID, Key: key, Token: ids.New(), Fingerprint: fingerprint, CreatedAt: now, ExpiresAt: now.Add(TTL)}
		other, err := k.store.ClaimIdempotencyKey(ctx, &rec, now.Add(-abandonAfter))
		if err != nil {
			return nil, nil, err
		}
		if other == nil {
			return nil, &Claim{keys: k, rec: rec}, nil
		}
		// Another request holds the key: wait for its answer by reading
		// (a claim is a write), and claim again only once it is gone.
		for {
			if other.Fingerprint != fingerprint {
				return nil, nil, errs.E(errs.IdempotencyKeyReused,
					"this Idempotency-Key was used for another request in the last 24 hours; use a new key for a new request")
			}
			if other.Done {
				return &other.Answer, nil, nil
			}
			if time.Now().After(deadline) {
				return nil, nil, errs.E(errs.Conflict, "a request with this Idempotency-Key is still running; retry it later")
			}
			select {
			case <-ctx.Done():
				return nil, nil, ctx.Err()
			case <-time.After(k.Poll):
			}
			other, err = k.store.GetIdempotencyKey(ctx, userID, key)
			if errs.Is(err, errs.NotFound) || err == nil && !other.Done && other.CreatedAt.Before(k.now().Add(-abandonAfter)) {
				break // released or abandoned: claim it
			}
			if err != nil {
				return nil, nil, err
			}
		}
	}
}

// Finish stores the answer of the claimed request.
func (c *Claim) Finish(ctx context.Context, a Answer) error {
	return c.keys.store.CompleteIdempotencyKey(ctx, c.rec.UserID, c.rec.Key, c.rec.Token, a)
}

// Release gives the key up: the request failed without a change worth
// replaying (a server error), and a retry may run it again.
func (c *Claim) Release(ctx context.Context) error {
	return c.keys.store.ReleaseIdempotencyKey(ctx, c.rec.UserID, c.rec.Key, c.rec.Token)
}

// PurgeExpired deletes keys past their 24 hours (the server's hourly
// purge; MongoDB also drops them by a TTL index).
func (k *Keys) PurgeExpired(ctx context.Context) (int, error) {
	return k.store.DeleteExpiredIdempotencyKeys(ctx, k.now())
}
