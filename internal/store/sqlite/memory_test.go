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
	w, r := cacheKiB(db.write), cacheKiB(db.read)
	conns := int64(db.read.Stats().MaxOpenConnections)
	if conns < 1 {
		t.Fatalf("the read pool is unbounded (MaxOpenConnections %d): its caches are too", conns)
	}
	if total := w + conns*r; total > budgetKiB {
		t.Fatalf("writer %d KiB + %d readers × %d KiB = %d KiB, over the %d KiB budget", w, conns, r, total, budgetKiB)
	}
}
