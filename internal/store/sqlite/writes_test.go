package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// TestGroupedWritesFailAlone queues many writes at once, so that they are
// committed in groups: each write that fails (a duplicate key half-way
// through its statements, an error of its own, a caller gone before its
// turn) leaves nothing, and every other write is stored whole.
func TestGroupedWritesFailAlone(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.write.Exec(`CREATE TABLE t (k TEXT PRIMARY KEY, side TEXT)`); err != nil {
		t.Fatal(err)
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	// The writer is held busy while the writes queue, so that it finds
	// them waiting and commits them in groups: left to the scheduler, a
	// busy machine can run each write to its end before the next one is
	// queued, and the savepoints go untested (seen in CI).
	release := make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- db.tx(ctx, func(context.Context, *sql.Tx) error { <-release; return nil })
	}()
	const n = 300
	errsOf := make([]error, n)
	var wg sync.WaitGroup
	defer func() {
		if err := <-held; err != nil {
			t.Errorf("the write holding the writer: %v", err)
		}
	}()
	time.AfterFunc(200*time.Millisecond, func() { close(release) })
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := ctx
			if i%7 == 3 {
				c = gone
			}
			errsOf[i] = db.tx(c, func(ctx context.Context, tx *sql.Tx) error {
				// Two statements: a failure after the first must undo it.
				if _, err := tx.ExecContext(ctx, `INSERT INTO t(k, side) VALUES (?, 'a')`, fmt.Sprintf("w%d", i)); err != nil {
					return err
				}
				switch i % 7 {
				case 1: // a key every such write shares: all but one fail
					_, err := tx.ExecContext(ctx, `INSERT INTO t(k, side) VALUES ('shared', 'b')`)
					return err
				case 5:
					return errors.New("refused")
				}
				_, err := tx.ExecContext(ctx, `INSERT INTO t(k, side) VALUES (?, 'b')`, fmt.Sprintf("w%d-b", i))
				return err
			})
		}()
	}
	wg.Wait()
	sharedWinners := 0
	for i, err := range errsOf {
		var rows int
		if err := db.write.QueryRow(`SELECT count(*) FROM t WHERE k = ? OR k = ?`, fmt.Sprintf("w%d", i), fmt.Sprintf("w%d-b", i)).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		switch {
		case i%7 == 3:
			if !errors.Is(err, context.Canceled) || rows != 0 {
				t.Errorf("write %d of a caller gone: %v, %d rows", i, err, rows)
			}
		case i%7 == 5:
			if err == nil || rows != 0 {
				t.Errorf("refused write %d: %v, %d rows left", i, err, rows)
			}
		case i%7 == 1:
			if err == nil {
				sharedWinners++
				if rows != 1 {
					t.Errorf("write %d took the shared key: %d rows of its own", i, rows)
				}
			} else if !isUnique(err) || rows != 0 {
				t.Errorf("write %d lost the shared key: %v, %d rows left", i, err, rows)
			}
		default:
			if err != nil || rows != 2 {
				t.Errorf("write %d: %v, %d rows", i, err, rows)
			}
		}
	}
	if db.grouped.Load() == 0 {
		t.Error("no two writes were committed together: the savepoints went untested")
	}
	if sharedWinners != 1 {
		t.Errorf("%d writes stored the shared key, want 1", sharedWinners)
	}
}

// TestWritesAfterCloseFail: a store closed answers writes with an error
// instead of blocking them.
func TestWritesAfterCloseFail(t *testing.T) {
	db, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	err = db.tx(context.Background(), func(context.Context, *sql.Tx) error { return nil })
	if !errors.Is(err, errClosed) {
		t.Fatalf("a write after Close: %v", err)
	}
}

// TestABatchCommitsAlone queues small writes around a batch while the
// writer is busy: the small ones are grouped (each in a savepoint), the
// batch is committed in a group of its own, outside any savepoint, so the
// writer's savepoint journal, kept in memory, never holds a batch.
func TestABatchCommitsAlone(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode int
	if err := db.write.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&mode); err != nil || mode != 2 {
		t.Fatalf("the writer's temp_store is %d (%v), want 2 (memory)", mode, err)
	}
	// savepointed says whether a write runs inside a group's savepoint,
	// before it has changed anything: rolling back to the savepoint
	// undoes nothing and keeps it, and fails when there is none.
	savepointed := func(ctx context.Context, tx *sql.Tx) bool {
		_, err := tx.ExecContext(ctx, `ROLLBACK TO one_write`)
		return err == nil
	}
	release := make(chan struct{})
	held := make(chan error, 1)
	go func() {
		held <- db.tx(ctx, func(context.Context, *sql.Tx) error { <-release; return nil })
	}()
	var wg sync.WaitGroup
	var mu sync.Mutex
	inSavepoint := map[string]bool{}
	write := func(name string, batch bool) {
		defer wg.Done()
		do := db.tx
		if batch {
			do = db.batchTx
		}
		if err := do(ctx, func(ctx context.Context, tx *sql.Tx) error {
			in := savepointed(ctx, tx)
			mu.Lock()
			inSavepoint[name] = in
			mu.Unlock()
			return nil
		}); err != nil {
			t.Error(name, err)
		}
	}
	// Queued in this order behind the held write (a channel's waiting
	// senders are received first come, first served): six small writes,
	// the batch, six more.
	for i := range 6 {
		wg.Add(1)
		go write(fmt.Sprintf("small%d", i), false)
	}
	time.Sleep(50 * time.Millisecond)
	wg.Add(1)
	go write("batch", true)
	time.Sleep(50 * time.Millisecond)
	for i := 6; i < 12; i++ {
		wg.Add(1)
		go write(fmt.Sprintf("small%d", i), false)
	}
	time.Sleep(100 * time.Millisecond)
	close(release)
	wg.Wait()
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	if inSavepoint["batch"] {
		t.Error("the batch ran inside a group's savepoint")
	}
	grouped := 0
	for name, in := range inSavepoint {
		if in && name != "batch" {
			grouped++
		}
	}
	if grouped == 0 {
		t.Error("no small write was grouped: the test did not queue them behind the writer")
	}
	// A connection opened later (the writer's is renewed every
	// connLifetime) keeps its temporary data in memory too.
	db.write.SetConnMaxLifetime(time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	if err := db.write.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&mode); err != nil || mode != 2 {
		t.Fatalf("a renewed writer connection's temp_store is %d (%v), want 2", mode, err)
	}
	db.write.SetConnMaxLifetime(connLifetime)
}

// Audit entries appended in one group chain to each other without the
// trail being read again (DB.groupTail), and a write of the group that
// is rolled back takes its entry with it: the next entry of the same
// group chains to the entry before the undone one and takes its number,
// and the whole chain verifies. Fails if the tail the group keeps
// survives a rollback (the next entry would link to one never stored).
func TestAnEntryRolledBackInAGroupLeavesTheChainWhole(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	entry := func(id string) *audit.Entry {
		return &audit.Entry{At: time.Now(), ActorID: "u", ActorName: "u", Action: "read", ObjectType: "member", ObjectID: id,
			Path: unitpath.Path{"r", "b"}}
	}
	release := make(chan struct{})
	held := make(chan error, 1)
	go func() { held <- db.tx(ctx, func(context.Context, *sql.Tx) error { <-release; return nil }) }()
	time.Sleep(50 * time.Millisecond)
	// Queued in this order behind the held write, and so one group.
	undone := errors.New("undone")
	writes := []func(context.Context, *sql.Tx) error{
		func(ctx context.Context, tx *sql.Tx) error { return db.appendAudit(ctx, tx, entry("m1")) },
		func(ctx context.Context, tx *sql.Tx) error {
			if err := db.appendAudit(ctx, tx, entry("m2")); err != nil {
				return err
			}
			return undone
		},
		func(ctx context.Context, tx *sql.Tx) error { return db.appendAudit(ctx, tx, entry("m3")) },
		func(ctx context.Context, tx *sql.Tx) error { return db.appendAudit(ctx, tx, entry("m4")) },
	}
	results := make([]chan error, len(writes))
	for i, w := range writes {
		results[i] = make(chan error, 1)
		go func() { results[i] <- db.tx(ctx, w) }()
		time.Sleep(20 * time.Millisecond)
	}
	groupsBefore := db.grouped.Load()
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		if err := <-r; (i == 1) != errors.Is(err, undone) {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if n := db.grouped.Load() - groupsBefore; n != 1 {
		t.Fatalf("the writes went in %d groups, want 1", n)
	}
	chain, err := db.AuditChain(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range chain {
		got = append(got, fmt.Sprintf("%d %s", e.Seq, e.ObjectID))
	}
	if want := []string{"1 m1", "2 m3", "3 m4"}; !slices.Equal(got, want) {
		t.Errorf("chain %q, want %q", got, want)
	}
	rep, err := audit.Verify(ctx, db)
	if err != nil || rep.Problem != nil || rep.Entries != 3 {
		t.Errorf("verify: %+v, %v", rep, err)
	}
}

// Writes still queued when the store closes are answered, not left
// waiting: each either ran and was committed or answers errClosed and
// did not run (the queue has room for them, so their callers handed
// them over before the writer stopped). Fails by timing out if a
// caller waits for an answer the stopped writer never gives.
func TestWritesQueuedAtCloseAreAnswered(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	held := make(chan error, 1)
	go func() { held <- db.tx(ctx, func(context.Context, *sql.Tx) error { <-release; return nil }) }()
	time.Sleep(50 * time.Millisecond)
	const n = 20
	var ran [n]atomic.Bool
	answers := make(chan error, n)
	for i := range n {
		go func() {
			answers <- db.tx(ctx, func(context.Context, *sql.Tx) error { ran[i].Store(true); return nil })
		}()
	}
	time.Sleep(50 * time.Millisecond)
	closed := make(chan error, 1)
	go func() { closed <- db.Close() }()
	time.Sleep(50 * time.Millisecond)
	close(release)
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	deadline := time.After(10 * time.Second)
	var committed, refused int
	for range n {
		select {
		case err := <-answers:
			switch {
			case err == nil:
				committed++
			case errors.Is(err, errClosed):
				refused++
			default:
				t.Errorf("a queued write answered %v", err)
			}
		case <-deadline:
			t.Fatalf("%d of %d queued writes never answered", n-committed-refused, n)
		}
	}
	var runs int
	for i := range ran {
		if ran[i].Load() {
			runs++
		}
	}
	if runs != committed {
		t.Errorf("%d writes ran, %d answered committed", runs, committed)
	}
	if err := <-closed; err != nil {
		t.Error(err)
	}
	t.Logf("%d committed, %d refused", committed, refused)
}
