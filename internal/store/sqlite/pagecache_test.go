package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"modernc.org/libc"
)

// The page cache keeps what SQLite's contract asks (pagecache.go): a page
// fetched again is the same memory until it is dropped; an unpinned page
// is recycled, least recently used first, only when the cache is full; a
// rekeyed page is found under its new key and the page it replaces is
// gone; a truncation drops the pages at and after its limit; and a page
// new to its slot starts with its extra's head zeroed.
func TestPageCacheKeepsSQLitesContract(t *testing.T) {
	tls := libc.NewTLS()
	defer tls.Close()
	h := pcacheCreate(tls, 4096, 64, 1)
	defer pcacheDestroy(tls, h)
	c := cacheOf(h)
	c.setSize(4)
	fetch := func(key uint32, create int32) uintptr { return c.fetch(tls, key, create) }
	unpin := func(p uintptr) { c.unpin(slotOf(p), false) }

	p1 := fetch(1, 2)
	if p1 == 0 || fetch(1, 0) != p1 {
		t.Fatalf("page 1 fetched again is not the same memory")
	}
	extra := func(p uintptr) *uintptr { return (*uintptr)(cPointer(*(*uintptr)(cPointer(p + 8)))) }
	*extra(p1) = 42 // SQLite's PgHdr.pPage, set
	unpin(p1)
	if fetch(1, 0) != p1 || *extra(p1) != 42 {
		t.Fatalf("an unpinned page was not kept as it was")
	}
	unpin(p1)
	p2, p3 := fetch(2, 2), fetch(3, 2)
	unpin(p2)
	unpin(p3)
	// One page short of full (3 of 4, all unpinned; pcache1 recycles
	// there too): page 4 takes the least recently unpinned, page 1,
	// whose memory comes back zeroed at the head of its extra.
	p4 := fetch(4, 2)
	if p4 != p1 || *extra(p4) != 0 {
		t.Fatalf("page 4 got %x (page 1 was %x), extra head %d", p4, p1, *extra(p4))
	}
	if fetch(1, 0) != 0 {
		t.Fatalf("page 1 still cached after its memory went to page 4")
	}
	// Easy creation is refused while 90 % of the cache is pinned.
	fetch(2, 2)
	fetch(3, 2)
	if fetch(5, 1) != 0 {
		t.Fatalf("an easy fetch made a page with every page pinned")
	}
	c.rekey(slotOf(p4), 4, 3) // drops page 3 (SQLite unpins it first)
	c.unpin(slotOf(fetch(3, 0)), false)
	if got := fetch(3, 0); got != p4 {
		t.Fatalf("rekeyed page not found under its new key")
	}
	if n := len(c.byKey); n != 2 {
		t.Fatalf("%d pages after the rekey, want 2", n)
	}
	c.truncate(3)
	if fetch(3, 0) != 0 || fetch(2, 0) == 0 {
		t.Fatalf("truncate(3) kept page 3 or dropped page 2")
	}
	c.truncate(0)
	if len(c.byKey) != 0 || c.unpinned != 0 {
		t.Fatalf("truncate(0) left %d pages", len(c.byKey))
	}
	if fetch(7, 2) == 0 || len(c.slots) != 3 {
		t.Fatalf("a page after emptying took new memory (%d slots)", len(c.slots))
	}
}

// Many connections reading and writing at once through caches far
// smaller than what they read (so that pages are recycled, trimmed and
// dropped all the time) leave a database that SQLite finds whole and
// rows that are what was written.
func TestSmallPageCachesUnderConcurrentReadsAndWrites(t *testing.T) {
	ctx := context.Background()
	created := pageCaches.created.Load()
	dsn := "file:" + t.TempDir() + "/pc.db?_pragma=journal_mode(wal)&_pragma=cache_size(8)&_pragma=busy_timeout(10000)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(6)
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL); CREATE INDEX t_v ON t(v)`); err != nil {
		t.Fatal(err)
	}
	const rows = 3000
	for i := range rows {
		if _, err := db.ExecContext(ctx, `INSERT INTO t(id, v) VALUES (?, ?)`, i, fmt.Sprintf("v%05d-%0200d", i, i)); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for range 300 {
				id := rng.IntN(rows)
				if g%3 == 0 {
					if _, err := db.ExecContext(ctx, `UPDATE t SET v = ? WHERE id = ?`, fmt.Sprintf("v%05d-%0200d", id, id), id); err != nil {
						t.Error(err)
						return
					}
					continue
				}
				var v string
				if err := db.QueryRowContext(ctx, `SELECT v FROM t WHERE id = ?`, id).Scan(&v); err != nil || v != fmt.Sprintf("v%05d-%0200d", id, id) {
					t.Errorf("row %d: %q, %v", id, v, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	var check string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM t INDEXED BY t_v WHERE v >= 'v'`).Scan(&n); err != nil || n != rows {
		t.Fatalf("%d rows by the index, want %d (%v)", n, rows, err)
	}
	if pageCaches.created.Load() == created {
		t.Fatal("no connection used this package's page cache")
	}
}
