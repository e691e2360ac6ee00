package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/background"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// TestBackgroundReadsDoNotQueueBehindRequests takes every reader, as a
// burst of requests would: a request's read then waits, and the settler's
// (a background job's) still answers at once on its own connection.
func TestBackgroundReadsDoNotQueueBehindRequests(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var held []*sql.Conn
	for range readers {
		c, err := db.read.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	var n int
	busy, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if err := db.reads(busy).QueryRowContext(busy, `SELECT count(*) FROM units`).Scan(&n); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a request's read with every reader taken: %v, want it to wait", err)
	}
	bg, cancel2 := context.WithTimeout(background.With(ctx), 5*time.Second)
	defer cancel2()
	if _, err := db.GetCounter(bg, unitpath.Path{"root", "no-such-unit"}, ""); !errs.Is(err, errs.NotFound) {
		t.Fatalf("a background read with every reader taken: %v, want not found at once", err)
	}
}
