package access

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLoginDelayGrowsAndIsCapped(t *testing.T) {
	l := LoginLimits{DelayStep: 250 * time.Millisecond, MaxDelay: 3 * time.Second}
	cases := []struct {
		failures, free int
		want           time.Duration
	}{
		{0, 3, 0},
		{3, 3, 0},
		{4, 3, 250 * time.Millisecond},
		{5, 3, 500 * time.Millisecond},
		{7, 3, 2 * time.Second},
		{8, 3, 3 * time.Second}, // 4 s, capped
		{1_000_000, 3, 3 * time.Second},
		{1, 0, 250 * time.Millisecond},
	}
	for _, c := range cases {
		if got := l.delayFor(c.failures, c.free); got != c.want {
			t.Errorf("delayFor(%d, free %d) = %v, want %v", c.failures, c.free, got, c.want)
		}
	}
	if got := (LoginLimits{}).delayFor(100, 0); got != 0 {
		t.Errorf("no step: delay %v", got)
	}
}

func TestFailureCounterWindow(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewFailureCounter(time.Minute, func() time.Time { return now })
	for range 3 {
		c.Add("k")
	}
	if n, until := c.Count("k"); n != 3 || !until.Equal(now.Add(time.Minute)) {
		t.Fatalf("count %d until %v", n, until)
	}
	if n, _ := c.Count("other"); n != 0 {
		t.Fatalf("another key counts %d", n)
	}
	now = now.Add(time.Minute)
	if n, _ := c.Count("k"); n != 0 {
		t.Fatalf("after the window: %d", n)
	}
	c.Add("k")
	c.Add("k")
	c.Reset("k")
	if n, _ := c.Count("k"); n != 0 {
		t.Fatalf("after reset: %d", n)
	}
}

// One holder per key at a time, other keys unaffected, and the map holds
// only keys in use.
func TestKeyedLocksSerialise(t *testing.T) {
	k := newKeyedLocks(1)
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock, err := k.lock(context.Background(), "pair")
			if err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(time.Millisecond)
			inside.Add(-1)
			unlock()
		}()
	}
	wg.Wait()
	if most.Load() != 1 {
		t.Fatalf("%d holders at once", most.Load())
	}
	unlock, _ := k.lock(context.Background(), "a")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := k.lock(ctx, "a"); err == nil {
		t.Fatal("a held key was taken twice")
	}
	other, err := k.lock(context.Background(), "b")
	if err != nil {
		t.Fatal(err)
	}
	other()
	unlock()
	if len(k.locks) != 0 {
		t.Fatalf("%d keys left", len(k.locks))
	}
}
