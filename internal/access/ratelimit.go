package access

import (
	"sync"
	"time"
)

// FailureLimiter counts login attempts per key (a username, an address) in
// a fixed window and blocks a key that reached the limit until its window
// ends. An attempt is counted before the password is checked (Take), so
// that concurrent guesses cannot all pass before the first failure is
// recorded; a success gives it back (Undo) or clears the key (Reset). It
// lives in one process: behind several instances each counts on its own,
// which still bounds guessing to limit × instances per window.
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

// Take counts an attempt for key unless the key is blocked, in which case
// it reports how long to wait.
func (l *FailureLimiter) Take(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	e, ok := l.entries[key]
	if ok && now.Sub(e.start) < l.window {
		if e.count >= l.limit {
			return false, e.start.Add(l.window).Sub(now)
		}
		e.count++
		return true, 0
	}
	if len(l.entries) >= maxLimiterKeys {
		l.prune(now)
	}
	l.entries[key] = &failures{count: 1, start: now}
	return true, 0
}

// Undo gives back an attempt that succeeded.
func (l *FailureLimiter) Undo(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.entries[key]; ok && e.count > 0 {
		e.count--
	}
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
	if len(l.entries) >= maxLimiterKeys { // all fresh: drop those not blocked
		for k, e := range l.entries {
			if e.count < l.limit {
				delete(l.entries, k)
			}
			if len(l.entries) < maxLimiterKeys/2 {
				break
			}
		}
	}
}
