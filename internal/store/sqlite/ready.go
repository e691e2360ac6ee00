package sqlite

import (
	"context"
	"errors"
	"github.com/sohoi/sohoi/internal/errs"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Ready is a reachable database is not enough: with its disk full, reads
// answer and every write fails. Ping therefore also writes: one small row,
// through the writer, so that readiness fails while writes fail and comes
// back without a restart once space is freed. Probes come every few
// seconds from an orchestrator; one small write each is cheap, and
// remembering a success would hide a disk that filled since.

// ensureProbeTable creates the probe's one-row table. It is not a
// migration: it holds nothing, and any version may drop it.
func (db *DB) ensureProbeTable(ctx context.Context) error {
	_, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS readiness_probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)`)
	return err
}

// Ping checks that the database answers and can store a change.
func (db *DB) Ping(ctx context.Context) (err error) {
	defer errs.Wrap(&err, "sqlite: Ping")
	// The probe's one small row can still fit where the WAL's file has
	// room left by a larger write that failed, while every real write
	// fails: seen once the writer kept its statements (writer_stmts.go),
	// which changed where the failing writes stopped. So a disk with
	// almost nothing left is not ready, whatever the probe's row does.
	if free, ok := freeBytes(db.path); ok && free < minFreeBytes {
		return errs.E(errs.InsufficientStorage, "the database's disk is full (%d bytes left); nothing can be changed", free)
	}
	var one int
	if err := db.reads(ctx).QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return err
	}
	// The writer is one connection: a long batch (a seed, an import) keeps
	// the probe waiting. A writer that is busy is working, not broken, so
	// only a write that fails says not ready — waiting for a turn does not.
	wctx, cancel := context.WithTimeout(ctx, probeWait)
	defer cancel()
	_, err = db.write.ExecContext(wctx, `INSERT INTO readiness_probe(id, at) VALUES (1, ?)
		ON CONFLICT(id) DO UPDATE SET at = excluded.at`, time.Now().UnixNano())
	if ctx.Err() == nil && (errors.Is(err, context.DeadlineExceeded) || isBusy(err)) {
		return nil
	}
	return err
}

// minFreeBytes is the least free space on the database's disk that Ping
// takes for a disk that can store a change: a write of a few members
// adds a few dozen pages of 4 KiB to the WAL.
const minFreeBytes = 1 << 20

// probeWait is how long the probe waits for the writer before it takes a
// busy writer for a working one.
const probeWait = 500 * time.Millisecond

// isBusy reports SQLITE_BUSY or SQLITE_LOCKED: another writer (a tool in
// another process) holds the lock.
func isBusy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && (e.Code()&0xff == sqlite3.SQLITE_BUSY || e.Code()&0xff == sqlite3.SQLITE_LOCKED)
}
