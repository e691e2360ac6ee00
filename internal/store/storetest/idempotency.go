package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/idempotency"
)

func testIdempotencyKeys(t *testing.T, open Opener) {
	s := open(t)
	rec := func(user, key, token, fp string, at time.Time) *idempotency.Record {
		return &idempotency.Record{UserID: user, Key: key, Token: token, Fingerprint: fp, CreatedAt: at, ExpiresAt: at.Add(24 * time.Hour)}
	}
	long := t0.Add(-time.Hour) // no claim is taken for abandoned

	// The first claim is stored; a second finds it pending.
	if other, err := s.ClaimIdempotencyKey(ctx(), rec("u1", "k1", "tok1", "fpA", t0), long); err != nil || other != nil {
		t.Fatalf("first claim: %+v, %v", other, err)
	}
	other, err := s.ClaimIdempotencyKey(ctx(), rec("u1", "k1", "tok2", "fpB", t0.Add(time.Second)), long)
	if err != nil || other == nil || other.Done || other.Token != "tok1" || other.Fingerprint != "fpA" || !other.CreatedAt.Equal(t0) {
		t.Fatalf("second claim must find the first, pending: %+v, %v", other, err)
	}
	// Another user's key of the same name is another key.
	if other, err := s.ClaimIdempotencyKey(ctx(), rec("u2", "k1", "tok3", "fpA", t0), long); err != nil || other != nil {
		t.Fatalf("another user's claim: %+v, %v", other, err)
	}

	// Completing needs the claim's token; then the answer is kept whole.
	a := idempotency.Answer{Status: 201, ContentType: "application/json", Location: "/api/v1/members/x", ETag: `"1"`, Body: []byte(`{"id":"x"}`)}
	if err := s.CompleteIdempotencyKey(ctx(), "u1", "k1", "tok2", a); !errs.Is(err, errs.NotFound) {
		t.Fatalf("completing with another token: %v", err)
	}
	if err := s.CompleteIdempotencyKey(ctx(), "u1", "k1", "tok1", a); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetIdempotencyKey(ctx(), "u1", "k1")
	if err != nil || !got.Done || got.Answer.Status != 201 || got.Answer.Location != a.Location || got.Answer.ETag != a.ETag ||
		got.Answer.ContentType != a.ContentType || string(got.Answer.Body) != string(a.Body) || !got.ExpiresAt.Equal(t0.Add(24*time.Hour)) {
		t.Fatalf("completed: %+v, %v", got, err)
	}
	// A done key counts until it expires, even long after: never replaced
	// as abandoned.
	other, err = s.ClaimIdempotencyKey(ctx(), rec("u1", "k1", "tok4", "fpA", t0.Add(23*time.Hour)), t0.Add(22*time.Hour))
	if err != nil || other == nil || !other.Done || string(other.Answer.Body) != string(a.Body) {
		t.Fatalf("claim of a done key: %+v, %v", other, err)
	}
	// Released claims are gone (only by their token, only while pending).
	if err := s.ReleaseIdempotencyKey(ctx(), "u1", "k1", "tok1"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetIdempotencyKey(ctx(), "u1", "k1"); err != nil || !got.Done {
		t.Fatalf("a done key is not released: %+v, %v", got, err)
	}
	if err := s.ReleaseIdempotencyKey(ctx(), "u2", "k1", "nope"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetIdempotencyKey(ctx(), "u2", "k1"); err != nil {
		t.Fatalf("another token's release removed the claim: %v", err)
	}
	if err := s.ReleaseIdempotencyKey(ctx(), "u2", "k1", "tok3"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetIdempotencyKey(ctx(), "u2", "k1"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("released key: %v", err)
	}
	if other, err := s.ClaimIdempotencyKey(ctx(), rec("u2", "k1", "tok5", "fpC", t0), long); err != nil || other != nil {
		t.Fatalf("claim after release: %+v, %v", other, err)
	}
	// A pending claim older than abandonedBefore is taken over; its old
	// token then completes nothing.
	other, err = s.ClaimIdempotencyKey(ctx(), rec("u2", "k1", "tok6", "fpC", t0.Add(10*time.Minute)), t0.Add(time.Minute))
	if err != nil || other != nil {
		t.Fatalf("taking over an abandoned claim: %+v, %v", other, err)
	}
	if err := s.CompleteIdempotencyKey(ctx(), "u2", "k1", "tok5", a); !errs.Is(err, errs.NotFound) {
		t.Fatalf("the abandoned claim's token: %v", err)
	}
	// An expired key is replaced by a new claim.
	other, err = s.ClaimIdempotencyKey(ctx(), rec("u1", "k1", "tok7", "fpB", t0.Add(25*time.Hour)), t0.Add(24*time.Hour))
	if err != nil || other != nil {
		t.Fatalf("claim of an expired key: %+v, %v", other, err)
	}
	if got, _ := s.GetIdempotencyKey(ctx(), "u1", "k1"); got == nil || got.Done || got.Fingerprint != "fpB" {
		t.Fatalf("the new claim: %+v", got)
	}

	// Concurrent claims: exactly one is stored.
	var wg sync.WaitGroup
	wins := make(chan string, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok := string(rune('a' + i))
			other, err := s.ClaimIdempotencyKey(ctx(), rec("u3", "race", tok, "fp", t0), long)
			if err != nil {
				t.Error(err)
			} else if other == nil {
				wins <- tok
			}
		}()
	}
	wg.Wait()
	close(wins)
	if n := len(wins); n != 1 {
		t.Fatalf("%d concurrent claims won", n)
	}

	// The purge deletes what expired before the time given, and no more.
	// u3/race expires at t0+24h, u2/k1 (taken over at t0+10m) at
	// t0+24h10m, u1/k1 (claimed again at t0+25h) at t0+49h.
	n, err := s.DeleteExpiredIdempotencyKeys(ctx(), t0.Add(24*time.Hour+20*time.Minute))
	if err != nil || n != 2 {
		t.Fatalf("purged %d, %v", n, err)
	}
	for _, k := range []struct {
		user, key string
		gone      bool
	}{{"u3", "race", true}, {"u2", "k1", true}, {"u1", "k1", false}} {
		_, err := s.GetIdempotencyKey(ctx(), k.user, k.key)
		if k.gone != errs.Is(err, errs.NotFound) {
			t.Errorf("after the purge, %s/%s: %v", k.user, k.key, err)
		}
	}
}
