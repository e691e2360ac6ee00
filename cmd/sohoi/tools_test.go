package main

import (
	"context"
	"io"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/app"
)

// The tools build a Core, never a Server: run in this process on a fresh
// store, with the settler and the month close switched on in the
// configuration as a server would have them, they open no listener and
// start no background job. serve, run the same way, shows that the count
// sees what a server starts.
func TestToolsStartNoServerNorJobs(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{
		"SOHOI_DATA_DIR": dir, "SOHOI_ADMIN_PASSWORD": "tools-admin-password",
		"SOHOI_ADDR": "127.0.0.1:0", "SOHOI_LOG_LEVEL": "error",
		// What would start a settler and a whole-country month close
		// beside a tool, if a tool started a server's jobs.
		"SOHOI_COUNT_IN_BACKGROUND": "true", "SOHOI_CLOSE_MONTHS": "true",
	}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()

	tools := [][]string{
		{"seed", "units", "--tree", "2025-03", "--province", "34"},
		{"seed", "members", "--province", "34", "--branches-per-commune", "1", "--count", "300"},
		{"reconcile"},
		{"close-month", "--day", "2026-01-31"},
		{"restructure", "--plan", "2025-07", "--province", "33", "--dry-run"},
		{"users", "reset-password", "admin"}, // the admin an earlier serve made
		{"audit", "verify"},
	}
	// The account reset-password needs exists once a server has run.
	served := serveBriefly(t, getenv)
	for _, name := range []string{app.StartedHTTP, app.StartedSettler, app.StartedMonthClose, app.StartedPurgeRefresh, app.StartedAuditRepair} {
		if served[name] != 1 {
			t.Errorf("serve started %q %d times, want once (started: %v)", name, served[name], served)
		}
	}

	for _, args := range tools {
		before := app.Started()
		var out strings.Builder
		if err := run(ctx, args, getenv, &out, io.Discard); err != nil {
			t.Fatalf("sohoi %s: %v", strings.Join(args, " "), err)
		}
		if after := app.Started(); !maps.Equal(before, after) {
			t.Errorf("sohoi %s started %v beside its work (before %v)", strings.Join(args, " "), after, before)
		}
		t.Logf("sohoi %s: %s", strings.Join(args, " "), strings.TrimSpace(out.String()))
	}
}

// serveBriefly runs "sohoi serve" in this process until it listens, stops
// it, and returns what it started.
func serveBriefly(t *testing.T, getenv func(string) string) map[string]int {
	t.Helper()
	before := app.Started()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, getenv, io.Discard, io.Discard) }()
	deadline := time.Now().Add(30 * time.Second)
	for app.Started()[app.StartedHTTP] == before[app.StartedHTTP] && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	after := app.Started()
	for k, v := range before {
		after[k] -= v
	}
	return after
}
