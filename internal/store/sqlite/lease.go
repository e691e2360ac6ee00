package sqlite

import (
	"context"
	"github.com/sohoi/sohoi/internal/errs"
	"sync"
	"time"
)

// The embedded store serves one process, so its leases live in memory:
// they order the goroutines of that process (a background job and a tool
// run in it), which is all a lease has to do here.

type lease struct {
	owner string
	until time.Time
}

type leases struct {
	mu   sync.Mutex
	held map[string]lease
}

// AcquireLease implements rollups.Store.
func (db *DB) AcquireLease(_ context.Context, name, owner string, now, until time.Time) (_ bool, err error) {
	defer errs.Wrap(&err, "sqlite: AcquireLease %s", name)
	db.leases.mu.Lock()
	defer db.leases.mu.Unlock()
	if l, ok := db.leases.held[name]; ok && l.owner != owner && l.until.After(now) {
		return false, nil
	}
	if db.leases.held == nil {
		db.leases.held = map[string]lease{}
	}
	db.leases.held[name] = lease{owner: owner, until: until}
	return true, nil
}

// ReleaseLease implements rollups.Store.
func (db *DB) ReleaseLease(_ context.Context, name, owner string) (err error) {
	defer errs.Wrap(&err, "sqlite: ReleaseLease %s", name)
	db.leases.mu.Lock()
	defer db.leases.mu.Unlock()
	if l, ok := db.leases.held[name]; ok && l.owner == owner {
		delete(db.leases.held, name)
	}
	return nil
}
