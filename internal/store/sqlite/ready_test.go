package sqlite

import (
	"context"
	"testing"
	"time"
)

// A writer busy with a long batch (here: an open transaction holding the
// one write connection) is working, not broken: readiness says so within
// the probe's wait instead of timing out.
func TestABusyWriterIsReady(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	start := time.Now()
	if err := db.Ping(pctx); err != nil {
		t.Fatalf("a busy writer was not ready: %v", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("the probe waited %v", took)
	}
	tx.Rollback()
	if err := db.Ping(pctx); err != nil {
		t.Fatalf("an idle writer: %v", err)
	}
}
