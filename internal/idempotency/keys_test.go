package idempotency_test

import (
	"context"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/idempotency"
	"github.com/sohoi/sohoi/internal/store/sqlite"
)

// keysOn returns Keys on a real embedded store with a clock the test
// moves.
func keysOn(t *testing.T) (*idempotency.Keys, *time.Time) {
	t.Helper()
	db, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	k := idempotency.New(db, func() time.Time { return now })
	k.Wait, k.Poll = 50*time.Millisecond, 5*time.Millisecond
	return k, &now
}

// A key answers its first answer for 24 hours, then it is a new key; the
// purge removes it then and not before.
func TestKeysExpireAfter24Hours(t *testing.T) {
	ctx := context.Background()
	k, now := keysOn(t)
	a, claim, err := k.Begin(ctx, "u1", "k", "fp")
	if err != nil || a != nil || claim == nil {
		t.Fatalf("first: %v %v %v", a, claim, err)
	}
	if err := claim.Finish(ctx, idempotency.Answer{Status: 201, Body: []byte("first")}); err != nil {
		t.Fatal(err)
	}
	*now = now.Add(24*time.Hour - time.Second)
	if a, _, err := k.Begin(ctx, "u1", "k", "fp"); err != nil || a == nil || string(a.Body) != "first" {
		t.Fatalf("within 24 h: %+v %v", a, err)
	}
	if n, err := k.PurgeExpired(ctx); err != nil || n != 0 {
		t.Fatalf("purged %d before expiry, %v", n, err)
	}
	*now = now.Add(2 * time.Second)
	if n, err := k.PurgeExpired(ctx); err != nil || n != 1 {
		t.Fatalf("purged %d after expiry, %v", n, err)
	}
	if a, claim, err := k.Begin(ctx, "u1", "k", "another request"); err != nil || a != nil || claim == nil {
		t.Fatalf("after 24 h the key is new: %+v %v %v", a, claim, err)
	}
}

// While the first request runs, a retry waits for it; past the wait it is
// a conflict; once the first is released, a retry runs.
func TestKeysWaitForTheFirstRequest(t *testing.T) {
	ctx := context.Background()
	k, _ := keysOn(t)
	_, first, err := k.Begin(ctx, "u1", "k", "fp")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := k.Begin(ctx, "u1", "k", "fp"); !errs.Is(err, errs.Conflict) {
		t.Fatalf("a retry while the first runs past the wait: %v", err)
	}
	done := make(chan *idempotency.Answer)
	go func() {
		a, _, err := k.Begin(ctx, "u1", "k", "fp")
		if err != nil {
			t.Error(err)
		}
		done <- a
	}()
	time.Sleep(20 * time.Millisecond)
	if err := first.Finish(ctx, idempotency.Answer{Status: 201, Body: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if a := <-done; a == nil || string(a.Body) != "x" {
		t.Fatalf("the waiting retry got %+v", a)
	}
	_, second, err := k.Begin(ctx, "u1", "k2", "fp")
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Release(ctx); err != nil {
		t.Fatal(err)
	}
	if _, again, err := k.Begin(ctx, "u1", "k2", "fp"); err != nil || again == nil {
		t.Fatalf("after a release the request runs again: %v %v", again, err)
	}
	if _, _, err := k.Begin(ctx, "u1", "k2", "other"); !errs.Is(err, errs.IdempotencyKeyReused) {
		t.Fatalf("another request with the key: %v", err)
	}
}
