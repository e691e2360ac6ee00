// Package sqlite is the embedded store: one SQLite file (modernc.org/sqlite,
// pure Go) in WAL mode. Writes go through a single connection so they never
// contend for SQLite's one write lock; reads use a pool of read-only
// connections that run beside the writer.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/background"
	"github.com/sohoi/sohoi/internal/errs"
)

// readers is the size of the read pool: enough to keep both cores busy with
// reads beside the writer (2 cores here); more connections only add caches.
const readers = 4

// Page caches, in KiB (SQLite's negative cache_size): see OpenFile. 81 MiB
// in all as SQLite counts: the writer 8, each of the 4 readers 16, the
// background jobs' reader 8, the checkpointer 1. In memory they take
// about twice that: the transpiled C's allocator (modernc.org/memory) rounds each cached page
// (4 KiB and SQLite's header) up to an 8 KiB slot. A reader's cache holds
// a district search's pages only in part: measured single-client on 1 M
// members, "pham" in a district takes 9 ms with 32 MiB per reader, 11 ms
// with 24 MiB, 28 ms with 16 MiB; the search plan, not the cache, is what
// to fix there (it reads every match's row). The writer and the
// background reader walk a large import's or a recount's pages once, so
// a larger cache mostly held pages it would not read again: halving them
// (16 to 8 MiB) lowered a million-row import's peak by some 30 MB
// (README, "Imports").
const (
	writerCacheKiB     = 8 << 10
	readerCacheKiB     = 16 << 10
	backgroundCacheKiB = 8 << 10
	// The checkpointer copies pages from the WAL to the file without its
	// cache; it reads only the WAL's index.
	checkpointerCacheKiB = 1 << 10
)

// connLifetime is how long a connection serves before it is closed and
// another opened in its place (between transactions: never under one).
// SQLite's memory for a connection (its page cache, statements, and what
// the transpiled C allocator keeps of them) is outside the Go heap and
// goes back to the system only when the connection closes: measured on
// a million-row import, a server that kept its connections grew past
// 300 MB resident. Reopening costs a few milliseconds a minute.
const connLifetime = time.Minute

// busyTimeout is how long a connection waits for a lock another holds
// (a checkpoint, another process) before it answers SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// FileName is the database file inside the data directory.
const FileName = "sohoi.db"

// DB is the embedded store; it implements every store interface the domain
// packages declare.
type DB struct {
	path       string // the database file
	write      *sql.DB
	read       *pool    // requests' reads
	background *pool    // background jobs' reads (reads, below)
	fixedModes []string // files whose mode Open made 0600
	leases     leases   // see lease.go
	tallies    tallyCache
	periods    periodsCache  // see periods_cache.go
	audit      *auditStmts   // see audit.go
	ckpt       *checkpointer // see checkpoint.go

	// The group commit (writes.go).
	writes     chan *writeReq
	stopped    chan struct{}
	writerDone chan struct{}
	stopOnce   sync.Once
	grouped    atomic.Int64 // groups of more than one write committed (for tests)
	// groupTail is the last audit entry appended in the group under way
	// (its seq and hash), nil at the start of each group and after a
	// write of it is rolled back. Only the writer's goroutine touches it.
	// Within a group the write lock is held, so the next entry chains to
	// it without reading the trail's last row and head again: two of the
	// four statements an entry took, for every read of personal data.
	groupTail *audit.Entry
}

// Open opens (creating if needed) the database in dir and runs pending
// migrations.
func Open(ctx context.Context, dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("creating data directory: %w", err)
	}
	return OpenFile(ctx, filepath.Join(dir, FileName))
}

// OpenFile opens the database at path.
func OpenFile(ctx context.Context, path string) (_ *DB, err error) {
	defer errs.Wrap(&err, "sqlite: opening %s", path)
	fixed, err := secureFiles(path)
	if err != nil {
		return nil, err
	}
	// WAL with synchronous=NORMAL survives a killed process (kill -9) with
	// every committed transaction; only an OS crash or power loss may lose
	// the last few. busy_timeout covers checkpoints and other processes.
	dsn := func(extra ...string) string {
		q := url.Values{}
		q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_pragma", "foreign_keys(ON)")
		for _, e := range extra {
			q.Add("_pragma", e)
		}
		q.Set("_txlock", "immediate")
		return "file:" + path + "?" + q.Encode()
	}
	// Memory is sized for the database, not per connection: every page
	// SQLite caches is also in the OS's file cache, so a connection's own
	// cache only saves a copy from it. Measured on 1 M members under the
	// issue-15 reads (README, "Load test"): 256 MiB for the writer and
	// 8 readers × 32 MiB kept 1.1 GB resident; 16 MiB + 4 × 16 MiB, 227 MB.
	wc, err := newWriterConnector(dsn(fmt.Sprintf("cache_size(-%d)", writerCacheKiB), fmt.Sprintf("wal_autocheckpoint(%d)", writerCheckpointFrames)))
	if err != nil {
		return nil, err
	}
	w := sql.OpenDB(wc) // keeps its statements: writer_stmts.go
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(connLifetime)
	db := &DB{write: w, fixedModes: fixed, path: path, ckpt: newCheckpointer()}
	db.startWriter()
	// Whatever fails below stops the writer and closes what was opened,
	// last first.
	opened := []*sql.DB{w}
	defer func() {
		if err != nil {
			db.stopWriter()
			for _, p := range slices.Backward(opened) {
				err = errors.Join(err, p.Close())
			}
		}
	}()
	if err := db.migrate(ctx); err != nil {
		return nil, err
	}
	if err := wc.journalInMemory(ctx, w); err != nil {
		return nil, err
	}
	if err := db.ensureProbeTable(ctx); err != nil {
		return nil, err
	}
	if err := db.prepareAuditStmts(ctx); err != nil {
		return nil, err
	}
	r, err := openConns(dsn("query_only(1)", fmt.Sprintf("cache_size(-%d)", readerCacheKiB)), readers)
	if err != nil {
		return nil, err
	}
	opened = append(opened, r)
	db.read = newPool(r)
	bg, err := openConns(dsn("query_only(1)", fmt.Sprintf("cache_size(-%d)", backgroundCacheKiB)), 1)
	if err != nil {
		return nil, err
	}
	opened = append(opened, bg)
	db.background = newPool(bg)
	ck, err := openConns(dsn(fmt.Sprintf("cache_size(-%d)", checkpointerCacheKiB)), 1)
	if err != nil {
		return nil, err
	}
	db.ckpt.start(ck)
	return db, nil
}

// openConns opens a pool of n connections at dsn, each renewed after
// connLifetime.
func openConns(dsn string, n int) (*sql.DB, error) {
	p, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	p.SetMaxOpenConns(n)
	p.SetMaxIdleConns(n)
	p.SetConnMaxLifetime(connLifetime)
	return p, nil
}

// reads is the pool a read runs on: a background job's (the settler's,
// marked by background.With) has a connection of its own, so that its
// many small reads per batch do not each queue behind the requests for
// one of the readers (measured: settling a batch took seconds under 32
// clients); everything else shares the readers.
func (db *DB) reads(ctx context.Context) *pool {
	if background.Is(ctx) {
		return db.background
	}
	return db.read
}

// Close stops the writer (after the group under way) and closes both
// pools.
func (db *DB) Close() error {
	db.stopWriter()
	return errors.Join(db.ckpt.close(), db.read.Close(), db.background.Close(), db.write.Close())
}

// isUnique reports whether err is a UNIQUE or PRIMARY KEY violation, by
// SQLite's extended result code, never by the message text.
func isUnique(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

func notFound(what, id string) error { return errs.E(errs.NotFound, "%s %s not found", what, id) }

func nanos(t time.Time) int64 { return t.UnixNano() }

func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }
