package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Checkpoints (copying the WAL's pages back into the database file) are
// done beside the writer, not by it. SQLite's automatic checkpoint runs
// inside the commit of whichever write crosses its threshold, so every
// write of that group, and every read waiting for its audit entry behind
// them, waited for thousands of page writes and two fsyncs. Measured on
// 1 M members with 10 % writes among 32 clients (README, "Load test"):
// the writer was busy 98 % of the wall time, a third of it committing,
// and the checkpoints were a quarter of its CPU.
//
// A checkpoint may run on any connection while the writer writes, but
// the WAL is rewound (written again from its start) only by a write that
// begins when every frame in it is copied: with writes arriving every
// few milliseconds that never happens by itself, and a WAL checkpointed
// only from beside grew to 1.3 GB in 15 s (tried and measured, issue
// 15). So the checkpointer copies the bulk on its own connection, and
// once the WAL is long the writer, between two groups, copies the few
// frames written since: the next write then rewinds the WAL.
const (
	// checkpointEvery is how often the checkpointer copies what the WAL
	// holds.
	checkpointEvery = 50 * time.Millisecond
	// rewindFrames is the WAL's length (in pages of 4 KiB) past which the
	// writer copies the rest, so that the next write rewinds it: SQLite's
	// own threshold is 1,000.
	rewindFrames = 2000
	// writerCheckpointFrames is SQLite's automatic checkpoint on the
	// writer, left as a bound in case the checkpointer cannot keep up or
	// is not running (it is only ever crossed then).
	writerCheckpointFrames = 20000
)

// checkpointer copies the WAL into the database file on a connection of
// its own.
type checkpointer struct {
	conn      *sql.DB
	mu        sync.Mutex   // held while either side checkpoints
	rewind    atomic.Int32 // the WAL is long: how the writer should copy the rest (rewind…)
	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	// Counts for tests: checkpoints run beside the writer, and
	// by the writer between groups.
	beside, byWriter atomic.Int64
}

// newCheckpointer returns a checkpointer not yet started: the writer,
// which starts first (migrations write), only ever finds the WAL short.
func newCheckpointer() *checkpointer {
	return &checkpointer{stop: make(chan struct{}), done: make(chan struct{})}
}

// start starts checkpointing on conn, a connection of its own.
func (c *checkpointer) start(conn *sql.DB) {
	c.conn = conn
	go c.loop()
}

func (c *checkpointer) loop() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		c.mu.Lock()
		frames, err := checkpoint(context.Background(), c.conn)
		c.mu.Unlock()
		c.beside.Add(1)
		// An error (a busy lock) is only a checkpoint put off to the next
		// tick; the writer's automatic one bounds the WAL meanwhile.
		switch {
		case err != nil:
		case frames >= restartFrames:
			c.rewind.Store(rewindRestart)
		case frames >= rewindFrames:
			c.rewind.CompareAndSwap(rewindNone, rewindPassive)
		}
	}
}

// close stops the checkpointer and closes its connection; a second call
// does nothing (a store may be closed twice).
func (c *checkpointer) close() (err error) {
	c.closeOnce.Do(func() {
		if c.conn == nil { // never started
			return
		}
		close(c.stop)
		<-c.done
		err = c.conn.Close()
	})
	return err
}

// checkpoint copies what it can of the WAL without waiting for anyone
// (PASSIVE) and returns the WAL's length, in frames.
func checkpoint(ctx context.Context, conn *sql.DB) (frames int, err error) {
	var busy, copied int
	err = conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied)
	return frames, err
}

// rewindWAL is run by the writer between groups: when the checkpointer
// found the WAL long, the writer copies what was written since (the
// checkpointer's copy is done: the lock says so), so that its next write
// rewinds the WAL.
func (db *DB) rewindWAL() {
	c := db.ckpt
	how := c.rewind.Load()
	if how == rewindNone || !c.mu.TryLock() {
		return
	}
	defer c.mu.Unlock()
	c.rewind.Store(rewindNone)
	var err error
	if how == rewindRestart {
		err = restartWAL(context.Background(), db.write)
	} else {
		_, err = checkpoint(context.Background(), db.write)
	}
	if err == nil {
		c.byWriter.Add(1)
	}
}

// How the writer copies the rest of the WAL (checkpointer.rewind).
const (
	rewindNone = iota
	// rewindPassive copies it without waiting for anyone: the next write
	// rewinds the WAL unless a read begun before the copy still reads it.
	rewindPassive
	// rewindRestart also waits, rewindWait at most, for such reads. It is
	// used once passive copies have let the WAL grow to restartFrames: the
	// wait holds every write queued behind it.
	rewindRestart
)

// restartFrames is the WAL's length at which the writer waits for the
// reads to rewind it.
const restartFrames = 3 * rewindFrames

// rewindWait is how long the writer waits, at most, for the reads still
// reading frames of the WAL to end before it rewinds it. Requests' reads
// take milliseconds; a longer one (an export) makes the writer give up
// until the next time rather than hold every write.
const rewindWait = 20 * time.Millisecond

// restartWAL copies the rest of the WAL and waits, rewindWait at most, for
// the reads still reading it (RESTART): the next write then begins the
// WAL again. A PASSIVE copy alone left the WAL growing whenever a read
// begun before it outlived it (seen on a loaded machine in
// TestTheWALStaysShortUnderSteadyWrites: 40 MB with passive copies
// alone, 10-26 MB with this after them).
func restartWAL(ctx context.Context, conn *sql.DB) error {
	c, err := conn.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, rewindWait.Milliseconds())); err != nil {
		return err
	}
	var busy, frames, copied int
	err = c.QueryRowContext(ctx, `PRAGMA wal_checkpoint(RESTART)`).Scan(&busy, &frames, &copied)
	_, rerr := c.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, busyTimeout.Milliseconds()))
	return errors.Join(err, rerr)
}
