package main

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/store/sqlite"
)

// sohoi audit verify passes an intact trail and names the first entry
// changed in the database file behind the server's back.
func TestAuditVerifyFindsTampering(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"SOHOI_DATA_DIR": dir, "SOHOI_LOG_LEVEL": "error"}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()
	if err := run(ctx, []string{"seed", "units", "--tree", "2025-03", "--province", "34"}, getenv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"seed", "members", "--province", "34", "--branches-per-commune", "1", "--count", "60"}, getenv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := run(ctx, []string{"audit", "verify"}, getenv, &out, io.Discard); err != nil {
		t.Fatalf("an intact trail: %v (%s)", err, out.String())
	}
	if !strings.Contains(out.String(), "audit chain intact") {
		t.Errorf("verify said %q", out.String())
	}

	db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM audit WHERE object_type = 'unit' AND action = 'create'`).Scan(&n); err != nil || n < 30 {
		t.Fatalf("%d unit entries after seeding a province (%v)", n, err)
	}
	var seeded int
	if err := db.QueryRow(`SELECT sum(detail ->> '$.count') FROM audit WHERE object_type = 'import' AND actor_name = 'system:seed members'`).Scan(&seeded); err != nil || seeded != 60 {
		t.Errorf("the member seed's batches record %d members, want 60 (%v)", seeded, err)
	}
	if _, err := db.Exec(`UPDATE audit SET actor_name = 'someone else' WHERE seq = 7`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out.Reset()
	err = run(ctx, []string{"audit", "verify"}, getenv, &out, io.Discard)
	if !errors.Is(err, errChainBroken) || exitCode(err) != 1 {
		t.Errorf("a tampered trail: %v", err)
	}
	if !strings.Contains(out.String(), "BROKEN at entry 7 (changed)") {
		t.Errorf("verify said %q", out.String())
	}
}
