package sqlite

import (
	"context"
	"database/sql"
	"testing"
)

// The page caches of all connections together stay within a budget sized
// for a province, whatever the pool size: issue 15 measured 1.1 GB resident
// under reads with 256 MiB for the writer and 32 MiB per reader.
func TestPageCachesFitTheBudget(t *testing.T) {
	const budgetKiB = 128 << 10
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cacheKiB := func(pool *sql.DB) int64 {
		var n int64
		if err := pool.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n >= 0 {
			t.Fatalf("cache_size %d is in pages; want a size in KiB (negative)", n)
		}
		return -n
	}
	w, r, bg := cacheKiB(db.write), cacheKiB(db.read.DB), cacheKiB(db.background.DB)
	conns, bgConns := int64(db.read.Stats().MaxOpenConnections), int64(db.background.Stats().MaxOpenConnections)
	if conns < 1 || bgConns < 1 {
		t.Fatalf("a read pool is unbounded (MaxOpenConnections %d, background %d): its caches are too", conns, bgConns)
	}
	if total := w + conns*r + bgConns*bg; total > budgetKiB {
		t.Fatalf("writer %d KiB + %d readers × %d KiB + %d background × %d KiB = %d KiB, over the %d KiB budget",
			w, conns, r, bgConns, bg, total, budgetKiB)
	}
}
