package access

import (
	"sync"
	"time"
)

// FailureLimiter counts failed logins per key (a username, an address) in a
// fixed window and blocks a key that reached the limit until its window
// ends. It lives in one process: behind several instances each counts on
// its own, which still bounds guessing to limit × instances per window.
type FailureLimiter struct {
	mu      sync.Mutex
	limit   int
	window  time.Duration
	now     func() time.Time
	entries map[string]*failures
}

type failures struct {
	count int
	start time.Time
}

// maxLimiterKeys bounds memory under a flood of distinct usernames.
const maxLimiterKeys = 100_000

// NewFailureLimiter allows limit failures per key per window.
func NewFailureLimiter(limit int, window time.Duration, now func() time.Time) *FailureLimiter {
	return &FailureLimiter{limit: limit, window: window, now: now, entries: map[string]*failures{}}
}

// Blocked reports whether key is blocked and for how long.
func (l *FailureLimiter) Blocked(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.entries[key]
	if !ok {
		return false, 0
	}
	left := e.start.Add(l.window).Sub(l.now())
	if left <= 0 {
		delete(l.entries, key)
		return false, 0
	}
	return e.count >= l.limit, left
}

// Fail records a failure for key.
func (l *FailureLimiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	e, ok := l.entries[key]
	if !ok || now.Sub(e.start) >= l.window {
		if len(l.entries) >= maxLimiterKeys {
			l.prune(now)
		}
		l.entries[key] = &failures{count: 1, start: now}
		return
	}
	e.count++
}

// Reset forgets key's failures (after a successful login).
func (l *FailureLimiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.entries, key)
}

func (l *FailureLimiter) prune(now time.Time) {
	for k, e := range l.entries {
		if now.Sub(e.start) >= l.window {
			delete(l.entries, k)
		}
	}
	if len(l.entries) >= maxLimiterKeys { // all fresh: drop arbitrary ones
		for k := range l.entries {
			delete(l.entries, k)
			if len(l.entries) < maxLimiterKeys/2 {
				break
			}
		}
	}
}
