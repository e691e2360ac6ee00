package idempotency

import (
	"context"
	"time"
)

// Answer is the first answer given to a request, as it is replayed.
type Answer struct {
	Status      int
	ContentType string
	Location    string
	ETag        string
	Body        []byte
}

// Record is one key a user sent: pending while its request runs (Done
// false), then holding the answer until it expires.
type Record struct {
	UserID string
	Key    string
	// Token names this claim of the key: only its holder completes or
	// releases it (a claim taken over as abandoned is another's).
	Token string
	// Fingerprint is what the request was (method, path, body): the same
	// key with another fingerprint is a mistake, never a retry.
	Fingerprint string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	Done        bool
	Answer      Answer
}

// Store keeps idempotency keys. Implementations: internal/store/sqlite
// and internal/store/mongo; both pass internal/store/storetest.
type Store interface {
	// ClaimIdempotencyKey stores r as pending unless a record of
	// (r.UserID, r.Key) is there that still counts: done and not expired
	// at r.CreatedAt, or pending and created at or after abandonedBefore.
	// It returns nil when r was stored (the caller holds the key), else
	// the record that counts. Of concurrent claims exactly one is stored.
	ClaimIdempotencyKey(ctx context.Context, r *Record, abandonedBefore time.Time) (*Record, error)
	// GetIdempotencyKey returns a record, or errs.NotFound.
	GetIdempotencyKey(ctx context.Context, userID, key string) (*Record, error)
	// CompleteIdempotencyKey stores the answer of the claim token of
	// (userID, key) and marks it done; errs.NotFound when that claim is
	// not there (released, or taken over).
	CompleteIdempotencyKey(ctx context.Context, userID, key, token string, a Answer) error
	// ReleaseIdempotencyKey deletes the pending claim token of (userID,
	// key), if it is there, so that the request may be tried again.
	ReleaseIdempotencyKey(ctx context.Context, userID, key, token string) error
	// DeleteExpiredIdempotencyKeys deletes the records that expired
	// before a time and says how many.
	DeleteExpiredIdempotencyKeys(ctx context.Context, before time.Time) (int, error)
}
