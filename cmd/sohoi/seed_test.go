package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/logging"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/units"
)

// provinceTotals reads a province's rollup as the server would, once its
// settler has swept whatever is marked stale (reads never settle).
func provinceTotals(t *testing.T, dir, code string) rollups.Totals {
	t.Helper()
	ctx := context.Background()
	cfg := app.Defaults()
	cfg.DataDir, cfg.CloseMonths = dir, false
	a, err := app.New(ctx, cfg, logging.New(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	root, err := a.Units.Get(ctx, access.System("test"), units.RootID)
	if err != nil {
		t.Fatal(err)
	}
	prov, err := a.Units.ChildByCode(ctx, access.System("test"), root.ID, code)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Rollups.WaitSettled(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := a.Rollups.Rollup(ctx, access.System("test"), prov.ID, civil.Date{})
	if err != nil {
		t.Fatal(err)
	}
	return r.Totals
}

// A seed killed part-way leaves counters that the next read makes right
// (reconcile finds nothing to repair), and a second run continues: it adds
// what it is asked to, with new national IDs.
func TestSeedMembersKilledAndRunAgain(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"SOHOI_DATA_DIR": dir, "SOHOI_ADMIN_PASSWORD": "admin-password-1", "SOHOI_CLOSE_MONTHS": "false"}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()
	// Lai Châu: the smallest province of the tree in force, 38 communes.
	if err := run(ctx, []string{"seed", "units", "--province", "12"}, getenv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}

	// Start a long seed and kill it once the progress lines say that
	// members are stored (a tenth of them: two batches of 5,000).
	const asked = 100_000
	cmd, _ := startSeed(t, dir)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	killed := provinceTotals(t, dir, "12")
	if killed.ActiveMembers < 10_000 || killed.ActiveMembers >= asked || killed.ActiveMembers%5000 != 0 {
		t.Fatalf("after the kill the province counts %d members: want whole batches, at least 10,000, fewer than %d", killed.ActiveMembers, asked)
	}
	// The counters equal a recount from the members.
	var out bytes.Buffer
	if err := run(ctx, []string{"reconcile"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), " 0 repaired") {
		t.Fatalf("the killed seed left counters wrong:\n%s", out.String())
	}

	// Run it again: it adds what it is asked to after what is there.
	out.Reset()
	if err := run(ctx, []string{"seed", "members", "--province", "12", "--branches-per-commune", "2", "--count", "7000"}, getenv, &out, io.Discard); err != nil {
		t.Fatalf("second run: %v\n%s", err, out.String())
	}
	after := provinceTotals(t, dir, "12")
	if after.ActiveMembers != killed.ActiveMembers+7000 {
		t.Fatalf("after the second run %d members, want %d + 7000", after.ActiveMembers, killed.ActiveMembers)
	}
	// Demo rolls have members who joined this year.
	if after.JoinedThisYear == 0 || after.JoinedThisYear > after.ActiveMembers/5 {
		t.Fatalf("%d of %d joined this year", after.JoinedThisYear, after.ActiveMembers)
	}
	out.Reset()
	if err := run(ctx, []string{"reconcile"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), " 0 repaired") {
		t.Fatalf("counters drifted after the second run:\n%s", out.String())
	}
}

// startSeed starts "sohoi seed members" for 100,000 members in Lai Châu
// (province 12, seeded already) and returns once its progress lines say a
// tenth of them are stored; its stderr is copied to the buffer returned.
func startSeed(t *testing.T, dir string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "seed", "members", "--province", "12", "--branches-per-commune", "2", "--count", "100000")
	cmd.Env = append(os.Environ(), "SOHOI_TEST_AS_MAIN=1", "SOHOI_DATA_DIR="+dir, "SOHOI_CLOSE_MONTHS=false", "SOHOI_ADMIN_PASSWORD=admin-password-1")
	output := &syncBuffer{}
	cmd.Stderr = output
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	const first = "\nseeding members: 10000 of 100000 members (10%)\n"
	for deadline := time.Now().Add(2 * time.Minute); !strings.Contains(output.String(), first); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no progress line %q; output:\n%s", first, output.String())
		}
	}
	return cmd, output
}

// An interrupt stops a seed cleanly: what is stored is kept and counted
// before it exits (1), so reconcile finds nothing to repair even before
// anything reads the rollups.
func TestSeedMembersInterrupted(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"SOHOI_DATA_DIR": dir, "SOHOI_ADMIN_PASSWORD": "admin-password-1", "SOHOI_CLOSE_MONTHS": "false"}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()
	if err := run(ctx, []string{"seed", "units", "--province", "12"}, getenv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	cmd, output := startSeed(t, dir)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(output.String(), "which are kept and counted") {
		t.Fatalf("exit %v; output:\n%s", err, output.String())
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"reconcile"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), " 0 repaired") {
		t.Fatalf("the interrupted seed left counters to repair:\n%s", out.String())
	}
}
