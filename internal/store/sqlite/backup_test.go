package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// The snapshot a backup dumps is a whole copy of the database, private
// to its owner like the database itself, and opens as one.
func TestSnapshotTo(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.AddSnapshotDay(ctx, "2025-06-30"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "snap.db")
	if err := db.SnapshotTo(ctx, path); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("snapshot mode: %v %v", st.Mode(), err)
	}
	snap, err := OpenFile(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	days, err := snap.SnapshotDays(ctx)
	if err != nil || len(days) != 1 || days[0] != "2025-06-30" {
		t.Fatalf("the snapshot's kept days: %v %v", days, err)
	}
	if err := db.SnapshotTo(ctx, path); err == nil {
		t.Fatal("a snapshot over an existing file")
	}
}
