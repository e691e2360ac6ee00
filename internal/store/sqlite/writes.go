package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Writes are committed in groups. SQLite has one writer, so under many
// concurrent writes each one used to wait for the connection, then for the
// scheduler to run it, and committed alone: measured on 1 M members with
// 10 % writes among 32 clients (README, "Load test"), a member create
// spent 0.3-0.5 s of its p50 queued for the writer, with most writes at
// any moment waiting in database/sql for the one connection. Now one
// goroutine (writeLoop) takes every write queued when it is free and runs
// them one after another in one transaction, each inside a savepoint of
// its own: a write that fails is rolled back alone, as if it had run by
// itself, and each caller is answered once the group is committed. The
// order is the order of the queue, so a group is what running them one by
// one would have stored.

// maxGroup bounds the writes committed together, so that one group cannot
// hold the write lock for long (a seed or an import batch is one write).
const maxGroup = 64

// errClosed answers writes asked of a closed store.
var errClosed = errors.New("sqlite: the store is closed")

// writeReq is one write waiting for the writer.
type writeReq struct {
	ctx  context.Context
	fn   func(context.Context, *sql.Tx) error
	done chan error
	// alone: a batch (an import's rows, a restore, a move's step), which
	// commits in a group of its own. Inside a group each write runs in a
	// savepoint, whose journal keeps a copy of every page the write
	// changes; the writer keeps that journal in memory (journalInMemory), which
	// is bounded by one small write, not by a batch of thousands of rows.
	alone bool
}

// tx runs fn in a write transaction (shared with the writes queued beside
// it, each in a savepoint) and returns once that is committed. fn runs only
// if ctx is live when its turn comes, and then with a context that the
// caller going away does not cancel (fn must use it for its statements):
// SQLite ends a whole transaction, the group's, when a statement in it is
// interrupted, so one client hanging up must not interrupt a statement.
//
// When ctx carries an audit entry (BeginAudit), the first transaction
// run under it writes the entry after fn, in the same savepoint: the
// change and its entry commit or roll back together.
func (db *DB) tx(ctx context.Context, fn func(context.Context, *sql.Tx) error) error {
	return db.queueWrite(ctx, fn, false)
}

// batchTx is tx for a batch of many rows: it commits in a group of its
// own (writeReq.alone).
func (db *DB) batchTx(ctx context.Context, fn func(context.Context, *sql.Tx) error) error {
	return db.queueWrite(ctx, fn, true)
}

// queueWrite queues fn for the writer (tx, batchTx) and waits for its
// group's commit.
func (db *DB) queueWrite(ctx context.Context, fn func(context.Context, *sql.Tx) error, alone bool) error {
	if h := takeAudit(ctx); h != nil {
		change := fn
		fn = func(ctx context.Context, tx *sql.Tx) error {
			if err := change(ctx, tx); err != nil {
				return err
			}
			return db.appendAudit(ctx, tx, h.e)
		}
	}
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1), alone: alone}
	select {
	case db.writes <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.stopped:
		return errClosed
	}
	select {
	case err := <-req.done:
		return err
	case <-db.writerDone:
		// The writer has stopped: it answered req before, or never took
		// it from the queue (nothing of it is stored).
		select {
		case err := <-req.done:
			return err
		default:
			return errClosed
		}
	}
}

// writeQueue is how many writes may wait for the writer without their
// callers waiting to hand them over. With no room, a caller's goroutine
// was blocked on the hand-over, then woken by the writer's taking it
// only to wait again for the commit: a second scheduling of every write
// and of every read's audit entry (each read of personal data). Traced
// under issue 15's load, those wake-ups were a quarter of all the time
// goroutines waited for a core.
const writeQueue = 256

// startWriter starts the goroutine that commits queued writes in groups.
func (db *DB) startWriter() {
	db.writes = make(chan *writeReq, writeQueue)
	db.stopped = make(chan struct{})
	db.writerDone = make(chan struct{})
	go db.writeLoop()
}

// stopWriter stops the writer once the group under way is committed (a
// second call does nothing).
func (db *DB) stopWriter() {
	db.stopOnce.Do(func() { close(db.stopped) })
	<-db.writerDone
}

func (db *DB) writeLoop() {
	defer close(db.writerDone)
	lastPrune := time.Now()
	var next *writeReq // a batch taken while gathering, committed next
	for {
		if time.Since(lastPrune) >= pruneBranchChangesEvery {
			// Between groups, never inside one: a prune is its own short
			// transaction (branch_changes.go), and its failure is only a
			// log kept longer.
			lastPrune = time.Now()
			db.commitGroup([]*writeReq{{ctx: context.Background(), fn: pruneBranchChanges, done: make(chan error, 1)}})
		}
		db.rewindWAL()
		group := []*writeReq{next}
		if next == nil {
			select {
			case r := <-db.writes:
				group[0] = r
			case <-db.stopped:
				return
			}
		}
		next = nil
	gather:
		for len(group) < maxGroup && !group[0].alone {
			select {
			case r := <-db.writes:
				if r.alone { // the next group, by itself
					next = r
					break gather
				}
				group = append(group, r)
			default:
				break gather
			}
		}
		db.commitGroup(group)
	}
}

// commitGroup runs a group of writes in one transaction and answers each.
func (db *DB) commitGroup(group []*writeReq) {
	results := make([]error, len(group))
	answer := func(all error) {
		for i, r := range group {
			if results[i] == nil {
				results[i] = all
			}
			r.done <- results[i]
		}
	}
	db.groupTail = nil
	// Not the callers' contexts: one going away must not end the others'
	// transaction (each fn still uses its own for its statements).
	tx, err := db.write.BeginTx(context.Background(), nil)
	if err != nil {
		answer(err)
		return
	}
	if len(group) == 1 { // alone: no savepoint needed
		r := group[0]
		if err := r.ctx.Err(); err != nil {
			results[0] = err
		} else if err := r.fn(context.WithoutCancel(r.ctx), tx); err != nil {
			results[0] = err
		}
		if results[0] != nil {
			_ = tx.Rollback()
			answer(nil)
			return
		}
		answer(tx.Commit())
		return
	}
	db.grouped.Add(1)
	for i, r := range group {
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if _, err := tx.Exec(`SAVEPOINT one_write`); err != nil {
			_ = tx.Rollback()
			answer(err)
			return
		}
		if err := r.fn(context.WithoutCancel(r.ctx), tx); err != nil {
			results[i] = err
			db.groupTail = nil // an entry it appended is undone with it
			if _, rerr := tx.Exec(`ROLLBACK TO one_write`); rerr != nil {
				// The transaction itself failed (a full disk, an I/O
				// error): nothing of the group is stored.
				_ = tx.Rollback()
				answer(rerr)
				return
			}
		}
		if _, err := tx.Exec(`RELEASE one_write`); err != nil {
			_ = tx.Rollback()
			answer(err)
			return
		}
	}
	if err := tx.Commit(); err != nil {
		answer(err)
		return
	}
	answer(nil)
}
