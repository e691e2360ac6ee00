package sqlite

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// A database written by a newer sohoi (a step this binary does not know)
// is refused, naming the step; one opened again by the same binary is not
// (the steps run once), nor one that ran a step since retired.
func TestNewerSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.Exec(`INSERT INTO schema_migrations(name, applied_at) VALUES ('0013_member_order', 1)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(ctx, dir); err != nil {
		t.Fatalf("reopening with a retired step recorded: %v", err)
	}
	if _, err := db.write.Exec(`INSERT INTO schema_migrations(name, applied_at) VALUES ('9999_from_the_future', 1)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(ctx, dir)
	if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "9999_from_the_future") {
		t.Fatalf("opening a newer schema: %v", err)
	}
}
