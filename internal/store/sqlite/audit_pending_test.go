package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/audit"
)

// PendingAudit finds a pending entry through the index of pending entries
// alone, and not the done ones beside it.
func TestPendingAuditReadsTheIndexOfPendingOnes(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Now().Add(-time.Hour)
	for _, state := range []audit.State{audit.Done, audit.Pending, audit.Done} {
		e := &audit.Entry{At: at, ActorID: "u", Action: audit.Read, ObjectType: audit.ObjMember, ObjectID: "m", State: state}
		if err := db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error { return db.appendAudit(ctx, tx, e) }); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.PendingAudit(ctx, time.Now(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Seq != 2 || got[0].State != audit.Pending {
		t.Fatalf("pending = %+v, want the second entry alone", got)
	}
	var plan string
	if err := db.read.QueryRowContext(ctx, "EXPLAIN QUERY PLAN "+pendingAuditSQL, 0, 1).Scan(new(int), new(int), new(int), &plan); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "audit_pending_only") {
		t.Errorf("plan %q: want the index of pending entries", plan)
	}
	var indexed int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM audit INDEXED BY audit_pending_only WHERE state = 'pending'`).Scan(&indexed); err != nil || indexed != 1 {
		t.Fatalf("entries in the index: %d, %v; want 1", indexed, err)
	}
}
