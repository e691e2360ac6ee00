package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The real binary's restructure: a dry run on Thái Bình seeded from the
// 2025-03 tree says what it would do and changes nothing (the same dry
// run again prints the same); the run then moves and closes, lists the
// waiting branches in the shape --assign reads, and with them assigned
// leaves nothing waiting.
func TestRestructureCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds a province")
	}
	dir := t.TempDir()
	env := map[string]string{"SOHOI_DATA_DIR": dir, "SOHOI_LOG_LEVEL": "error", "SOHOI_ADMIN_PASSWORD": "restructure-admin-1"}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()
	sohoi := func(args ...string) string {
		t.Helper()
		var out strings.Builder
		if err := run(ctx, args, getenv, &out, io.Discard); err != nil {
			t.Fatalf("sohoi %s: %v", strings.Join(args, " "), err)
		}
		return out.String()
	}
	sohoi("seed", "units", "--tree", "2025-03", "--province", "34")
	sohoi("seed", "members", "--province", "34", "--branches-per-commune", "1", "--count", "600")
	table := func(out string) string { return out[:strings.Index(out, "done in")] }
	dry := sohoi("restructure", "--plan", "2025-07", "--province", "33", "--dry-run")
	if !strings.Contains(dry, "would change (dry run)") || !strings.Contains(dry, "33   Tỉnh Hưng Yên") {
		t.Fatalf("dry run:\n%s", dry)
	}
	if again := sohoi("restructure", "--plan", "2025-07", "--province", "33", "--dry-run"); table(again) != table(dry) {
		t.Fatalf("a second dry run differs, so the first changed something:\n%s\n%s", dry, again)
	}
	applied := sohoi("restructure", "--plan", "2025-07", "--province", "33")
	var assign []string
	for _, line := range strings.Split(applied, "\n") {
		if strings.Contains(line, "# branch") {
			assign = append(assign, line)
		}
	}
	if len(assign) == 0 {
		t.Fatalf("no branch waits for assignment:\n%s", applied)
	}
	file := filepath.Join(dir, "assign.csv")
	if err := os.WriteFile(file, []byte(strings.Join(assign, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	last := sohoi("restructure", "--plan", "2025-07", "--province", "33", "--assign", file)
	if strings.Contains(last, "waiting for assignment") {
		t.Fatalf("branches still wait after the assignments:\n%s", last)
	}
}
