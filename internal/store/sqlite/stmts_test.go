package sqlite

import (
	"context"
	"fmt"
	"testing"
)

// A read pool prepares each text once and reuses it; texts without end (a
// list of any length) never grow it past maxStmts; and a text that cannot
// be prepared fails as it would have without the cache.
func TestReadPoolPreparesOnceAndStaysBounded(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p := db.read

	const q = `SELECT ? + 1`
	for i := range 3 {
		var n int
		if err := p.QueryRowContext(ctx, q, i).Scan(&n); err != nil || n != i+1 {
			t.Fatalf("run %d: %d, %v", i, n, err)
		}
	}
	p.mu.Lock()
	first := p.stmts[q]
	p.mu.Unlock()
	if first == nil {
		t.Fatal("the text was not kept prepared")
	}
	rows, err := p.QueryContext(ctx, q, 41)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Close(); err != nil || n != 42 {
		t.Fatalf("QueryContext: %d, %v", n, err)
	}
	p.mu.Lock()
	again := p.stmts[q]
	p.mu.Unlock()
	if again != first {
		t.Error("the text was prepared a second time")
	}

	for i := range 3 * maxStmts {
		var got int
		if err := p.QueryRowContext(ctx, fmt.Sprintf(`SELECT %d + ?`, i), 1).Scan(&got); err != nil || got != i+1 {
			t.Fatalf("text %d: %d, %v", i, got, err)
		}
		p.mu.Lock()
		size := len(p.stmts)
		p.mu.Unlock()
		if size > maxStmts {
			t.Fatalf("after text %d the pool keeps %d statements, over %d", i, size, maxStmts)
		}
	}

	_, want := db.read.DB.QueryContext(ctx, `SELECT nothing FROM nowhere`)
	_, got := p.QueryContext(ctx, `SELECT nothing FROM nowhere`)
	rowErr := p.QueryRowContext(ctx, `SELECT nothing FROM nowhere`).Scan(&n)
	if want == nil || got == nil || got.Error() != want.Error() || rowErr == nil || rowErr.Error() != want.Error() {
		t.Errorf("a bad text: %v and %v through the cache, %v without", got, rowErr, want)
	}
}
