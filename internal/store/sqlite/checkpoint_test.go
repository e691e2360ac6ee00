package sqlite

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"
)

// TestTheWALStaysShortUnderSteadyWrites writes without a pause, from
// several callers at once, about four times as many pages as the writer's
// own automatic checkpoint lets the WAL hold, while readers read: the
// checkpointer must copy the pages beside the writer and the writer must
// rewind the WAL between groups, so that the WAL file stays under half
// of writerCheckpointFrames (measured: 10-12 MB, also beside another
// package's tests, against 78 MB with the
// writer's rewind taken out, when SQLite's automatic checkpoint is what
// rewinds it).
func TestTheWALStaysShortUnderSteadyWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("writes some 300 MB")
	}
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.write.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)`); err != nil {
		t.Fatal(err)
	}
	// Each row is a page of its own (4,000 bytes), so a write of 8 rows
	// adds at least 8 frames.
	const writers, rowsEach, perWrite = 4, 20000, 8
	var wg sync.WaitGroup
	errc := make(chan error, writers+3)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rowsEach; i += perWrite {
				err := db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
					for j := range perWrite {
						if _, err := tx.ExecContext(ctx, `INSERT INTO t(id, v) VALUES (?, randomblob(4000))`, w*rowsEach+i+j); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	stopReading := make(chan struct{})
	var readers sync.WaitGroup
	for range 3 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stopReading:
					return
				default:
				}
				// Short reads, as the requests' are: one that lasts (a scan of
				// the whole table) keeps the WAL from being rewound at all,
				// with or without the checkpointer.
				var n int
				err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM t WHERE id = ?`, rand.IntN(writers*rowsEach)).Scan(&n)
				if err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	// The WAL's file is never cut shorter: its size is the longest the
	// WAL has been.
	walPath := db.path + "-wal"
	longest := int64(0)
	watch := time.NewTicker(20 * time.Millisecond)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
watching:
	for {
		select {
		case <-done:
			break watching
		case <-watch.C:
			if fi, err := os.Stat(walPath); err == nil {
				longest = max(longest, fi.Size())
			}
		}
	}
	watch.Stop()
	close(stopReading)
	readers.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	const frame = 4096 + 24 // a page and its frame header
	written := int64(writers * rowsEach * frame)
	bound := int64(writerCheckpointFrames / 2 * frame)
	t.Logf("wrote %d MB of pages; the WAL was %d MB at most (bound %d MB); %d checkpoints beside the writer, %d rewinds by it",
		written>>20, longest>>20, bound>>20, db.ckpt.beside.Load(), db.ckpt.byWriter.Load())
	if written < 3*int64(writerCheckpointFrames)*frame {
		t.Fatalf("the test wrote %d MB, too little to tell the rewind from SQLite's own checkpoint", written>>20)
	}
	if longest > bound {
		t.Errorf("the WAL grew to %d MB, more than %d MB: it is not rewound between groups", longest>>20, bound>>20)
	}
	if db.ckpt.byWriter.Load() == 0 {
		t.Error("the writer never copied the WAL's rest: nothing rewound it but SQLite's own checkpoint")
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil || n != writers*rowsEach {
		t.Fatalf("%d rows stored (%v), want %d", n, err, writers*rowsEach)
	}
}

// TestAStoreClosesTwice: the servers' shutdown and their tests' clean-up
// may both close the store; the second Close stops nothing twice.
func TestAStoreClosesTwice(t *testing.T) {
	db, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}
