package storetest

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testLeases: one holder at a time; the holder renews; a lease whose term
// is over can be taken; a release frees it at once.
func testLeases(t *testing.T, open Opener) {
	s := open(t)
	acquire := func(owner string, now time.Time) bool {
		t.Helper()
		ok, err := s.AcquireLease(ctx(), "close-month", owner, now, now.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	// Two instances at once: exactly one gets it.
	var got atomic.Int32
	var wg sync.WaitGroup
	for _, owner := range []string{"a", "b", "c", "d"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.AcquireLease(ctx(), "close-month", owner, t0, t0.Add(time.Minute))
			if err != nil {
				t.Error(err)
			}
			if ok {
				got.Add(1)
			}
		}()
	}
	wg.Wait()
	if got.Load() != 1 {
		t.Fatalf("%d holders of one lease, want 1", got.Load())
	}
	var holder string
	for _, owner := range []string{"a", "b", "c", "d"} {
		if acquire(owner, t0.Add(time.Second)) { // the holder renews; the others are refused
			if holder != "" {
				t.Fatalf("both %s and %s hold the lease", holder, owner)
			}
			holder = owner
		}
	}
	if holder == "" {
		t.Fatal("the holder could not renew")
	}
	// Renewed at t0+1s for a minute: still held at t0+1m, free after.
	if acquire("x", t0.Add(time.Minute)) {
		t.Fatal("a renewed lease was taken before its term ended")
	}
	if !acquire("x", t0.Add(time.Minute+2*time.Second)) {
		t.Fatal("a lease whose holder stopped renewing could not be taken")
	}
	if acquire(holder, t0.Add(time.Minute+3*time.Second)) {
		t.Fatal("the former holder took the lease back from its new holder")
	}
	// A release by someone else changes nothing; the holder's frees it.
	if err := s.ReleaseLease(ctx(), "close-month", holder); err != nil {
		t.Fatal(err)
	}
	if acquire("y", t0.Add(time.Minute+4*time.Second)) {
		t.Fatal("a release by a former holder freed the lease")
	}
	if err := s.ReleaseLease(ctx(), "close-month", "x"); err != nil {
		t.Fatal(err)
	}
	if !acquire("y", t0.Add(time.Minute+5*time.Second)) {
		t.Fatal("a released lease could not be taken")
	}
	// Leases are independent of each other.
	if ok, err := s.AcquireLease(ctx(), "other", "z", t0, t0.Add(time.Minute)); err != nil || !ok {
		t.Fatalf("another lease: %v %v", ok, err)
	}
}
