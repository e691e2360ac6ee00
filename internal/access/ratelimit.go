package access

import (
	"context"
	"net/netip"
	"sync"
	"time"
)

// LoginLimits say how failed logins are answered. Only a (username,
// address) pair is ever refused: that pair's own guesses may block it. A
// username's failures from everywhere, and an address's failures under
// every username, only slow the next logins of that username or from that
// address down, never refuse them, so that nobody else's failures can lock
// a person out of an account whose password they know. The counts live in
// one process: behind several instances each counts on its own, which
// still bounds guessing to MaxFailuresPerPair × instances per window.
type LoginLimits struct {
	// MaxFailuresPerPair failed logins of one username from one address
	// within FailureWindow answer 429 for that pair until the window ends.
	MaxFailuresPerPair int
	FailureWindow      time.Duration
	// Beyond FreeFailuresPerUser failures for a username (or
	// FreeFailuresPerAddr from an address) within the window, each login of
	// that username (from that address) waits DelayStep, doubled for every
	// further failure, at most MaxDelay, before its password is checked.
	FreeFailuresPerUser int
	FreeFailuresPerAddr int
	DelayStep           time.Duration
	MaxDelay            time.Duration
	// HashWait bounds how long a login queues for a free password check
	// (they are memory-heavy and run a few at a time) before 429.
	HashWait time.Duration
	// PerAddrAtOnce logins from one address (an IPv6 /64 counts as one)
	// are checked at a time; more queue behind them, not before others.
	PerAddrAtOnce int
	// KnownFor is how long a pair that logged in stays known: its logins
	// skip the username's queue (a person keeps signing in from their own
	// office while someone guesses their password from elsewhere).
	KnownFor time.Duration
}

// DefaultLoginLimits are the limits sohoi runs with.
func DefaultLoginLimits() LoginLimits {
	return LoginLimits{
		MaxFailuresPerPair: 5, FailureWindow: 15 * time.Minute,
		FreeFailuresPerUser: 3, FreeFailuresPerAddr: 10,
		DelayStep: 250 * time.Millisecond, MaxDelay: 3 * time.Second,
		HashWait: 10 * time.Second, PerAddrAtOnce: 2, KnownFor: 30 * 24 * time.Hour,
	}
}

// delayFor is the wait before a login after failures failures, free of them
// allowed without one.
func (l LoginLimits) delayFor(failures, free int) time.Duration {
	over := failures - free
	if over <= 0 || l.DelayStep <= 0 {
		return 0
	}
	d := l.DelayStep
	for i := 1; i < over && d < l.MaxDelay; i++ {
		d *= 2
	}
	return min(d, l.MaxDelay)
}

// FailureCounter counts failures per key in a fixed window that starts
// with the key's first failure.
type FailureCounter struct {
	mu      sync.Mutex
	window  time.Duration
	now     func() time.Time
	entries map[string]*failures
}

type failures struct {
	count int
	start time.Time
}

// maxCounterKeys bounds memory under a flood of distinct usernames.
const maxCounterKeys = 100_000

// NewFailureCounter counts failures per key per window.
func NewFailureCounter(window time.Duration, now func() time.Time) *FailureCounter {
	return &FailureCounter{window: window, now: now, entries: map[string]*failures{}}
}

// Count returns key's failures in its current window and when that window
// ends.
func (c *FailureCounter) Count(key string) (int, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || c.now().Sub(e.start) >= c.window {
		return 0, time.Time{}
	}
	return e.count, e.start.Add(c.window)
}

// Add records a failure for key.
func (c *FailureCounter) Add(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if e, ok := c.entries[key]; ok && now.Sub(e.start) < c.window {
		e.count++
		return
	}
	if len(c.entries) >= maxCounterKeys {
		c.prune(now)
	}
	c.entries[key] = &failures{count: 1, start: now}
}

// Reset forgets key's failures (after a successful login).
func (c *FailureCounter) Reset(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
}

// prune forgets expired entries, then, if the table is still full, fresh
// ones with few failures: a flood of made-up usernames must not be a way to
// wipe the count of a pair that is blocked or close to it.
func (c *FailureCounter) prune(now time.Time) {
	for k, e := range c.entries {
		if now.Sub(e.start) >= c.window {
			delete(c.entries, k)
		}
	}
	for keep := 2; len(c.entries) >= maxCounterKeys/2 && keep <= 1<<20; keep *= 2 {
		for k, e := range c.entries {
			if len(c.entries) < maxCounterKeys/2 {
				break
			}
			if e.count < keep {
				delete(c.entries, k)
			}
		}
	}
}

// keyedLocks lets at most size holders per key at a time through. Attempts
// of one (username, address) pair go one after another (size 1), so that
// concurrent guesses cannot all be checked before the first failure is
// counted, while concurrent correct logins simply queue instead of being
// refused; attempts from one address go a few at a time, so that one
// address flooding logins holds a few password checks, never all of them.
type keyedLocks struct {
	mu    sync.Mutex
	size  int
	locks map[string]*keyLock
}

type keyLock struct {
	ch   chan struct{}
	refs int
}

func newKeyedLocks(size int) *keyedLocks {
	return &keyedLocks{size: max(size, 1), locks: map[string]*keyLock{}}
}

// lock waits for key until ctx ends; the map holds only keys in use.
func (k *keyedLocks) lock(ctx context.Context, key string) (unlock func(), err error) {
	k.mu.Lock()
	l := k.locks[key]
	if l == nil {
		l = &keyLock{ch: make(chan struct{}, k.size)}
		k.locks[key] = l
	}
	l.refs++
	k.mu.Unlock()
	release := func() {
		k.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
	select {
	case l.ch <- struct{}{}:
		return func() { <-l.ch; release() }, nil
	case <-ctx.Done():
		release()
		return nil, ctx.Err()
	}
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// addressKey is the part of a client address that one client controls: an
// IPv4 address, or an IPv6 /64 (one subscriber's prefix, from which any
// number of addresses can be used).
func addressKey(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	ip = ip.Unmap()
	if ip.Is4() {
		return ip.String()
	}
	p, _ := ip.Prefix(64)
	return p.String()
}

// usernameQueue spaces a username's logins once it has failed too often:
// each attempt takes the next free turn, a delay after the one before, so
// that guesses from many addresses at once cannot go faster than one per
// delay. Pairs that logged in before skip it (knownPairs).
type usernameQueue struct {
	mu   sync.Mutex
	next map[string]time.Time
}

func newUsernameQueue() *usernameQueue { return &usernameQueue{next: map[string]time.Time{}} }

// turn reserves key's next turn, delay after the last one, and returns
// how long to wait for it.
func (q *usernameQueue) turn(key string, now time.Time, delay time.Duration) time.Duration {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.next) >= maxCounterKeys {
		for k, t := range q.next {
			if !t.After(now) {
				delete(q.next, k)
			}
		}
	}
	at := q.next[key]
	if at.Before(now) {
		at = now
	}
	q.next[key] = at.Add(delay)
	return at.Sub(now)
}

// knownPairs remembers (username, address) pairs that logged in, for a
// while; bounded like the failure counts.
type knownPairs struct {
	mu    sync.Mutex
	ttl   time.Duration
	since map[string]time.Time
}

func newKnownPairs(ttl time.Duration) *knownPairs {
	return &knownPairs{ttl: ttl, since: map[string]time.Time{}}
}

func (k *knownPairs) add(key string, now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.since) >= maxCounterKeys {
		for key, t := range k.since {
			if now.Sub(t) >= k.ttl || len(k.since) >= maxCounterKeys {
				delete(k.since, key)
			}
		}
	}
	k.since[key] = now
}

func (k *knownPairs) known(key string, now time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	t, ok := k.since[key]
	return ok && now.Sub(t) < k.ttl
}
