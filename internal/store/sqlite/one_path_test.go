package sqlite

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/sohoi/sohoi/internal/unitpath"
)

// Migration 0016 upgrades a database in place: a grant stored before it
// (its path under "unitPath") reads back with its path, and the user is
// still found by the units of that path.
func TestOnePathMigrationUpgradesGrants(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "sohoi.db")
	db, err := OpenFile(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO users(id, username, display_name, password_hash, grants, version, created_at, updated_at)
			VALUES ('u1', 'lan', 'Lan', 'x', '[{"role":"manager","unitId":"p","unitPath":["root","p"]},{"role":"viewer","unitId":"b","unitPath":["root","p","b"]}]', 1, 0, 0)`,
		`INSERT INTO users(id, username, display_name, password_hash, grants, version, created_at, updated_at)
			VALUES ('u2', 'an', 'An', 'x', '[]', 1, 0, 0)`,
		`INSERT INTO user_grant_units(unit_id, user_id) VALUES ('root', 'u1'), ('p', 'u1'), ('b', 'u1')`,
		// as if the database predated the step
		`DELETE FROM schema_migrations WHERE name = '0016_one_path'`,
	} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	db, err = OpenFile(ctx, file)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.GetUser(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Grants) != 2 || !slices.Equal(u.Grants[0].Path, unitpath.Path{"root", "p"}) ||
		!slices.Equal(u.Grants[1].Path, unitpath.Path{"root", "p", "b"}) || u.Grants[1].UnitID != "b" || u.Grants[1].Role != "viewer" {
		t.Fatalf("grants after the upgrade = %+v", u.Grants)
	}
	var stored string
	if err := db.read.QueryRowContext(ctx, `SELECT grants FROM users WHERE id = 'u1'`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if want := `[{"role":"manager","unitId":"p","path":["root","p"]},{"role":"viewer","unitId":"b","path":["root","p","b"]}]`; stored != want {
		t.Fatalf("stored grants = %s, want %s", stored, want)
	}
	if u, err := db.GetUser(ctx, "u2"); err != nil || len(u.Grants) != 0 {
		t.Fatalf("a user without grants = %+v, %v", u, err)
	}
}
