package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/logging"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
)

// sohoi seed members counts what it loaded; sohoi reconcile finds a
// counter damaged on purpose, repairs it and says so.
func TestReconcileCommandRepairsDamage(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"SOHOI_DATA_DIR": dir, "SOHOI_ADMIN_PASSWORD": "admin-password-1", "SOHOI_CLOSE_MONTHS": "false"}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"seed", "units", "--tree", "2025-03", "--province", "34"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"seed", "members", "--province", "34", "--branches-per-commune", "2", "--count", "3000"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "seeded members: 3000 in 484 branches") {
		t.Fatalf("seed: %s", out.String())
	}

	// Damage one branch's live counter behind sohoi's back (a Core: no settler
	// or month close to race the damage).
	cfg := app.Defaults()
	cfg.DataDir = dir
	a, err := app.OpenCore(ctx, cfg, logging.New(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	root, _ := a.Units.Get(ctx, access.System("test"), units.RootID)
	prov, _ := a.Units.ChildByCode(ctx, access.System("test"), root.ID, "34")
	before, err := a.Rollups.Rollup(ctx, access.System("test"), prov.ID, civil.Date{})
	if err != nil || before.Totals.ActiveMembers != 3000 {
		t.Fatalf("the seeded province counts %+v, %v", before, err)
	}
	district, _ := a.Units.Children(ctx, access.System("test"), prov.ID, page.Request{Limit: 1})
	c, err := a.Store.GetCounter(ctx, district.Items[0].Path, "")
	if err != nil {
		t.Fatal(err)
	}
	c.Tally.Active += 77
	if err := a.Store.ReplaceCounter(ctx, c); err != nil {
		t.Fatal(err)
	}
	a.Close()

	out.Reset()
	var progress bytes.Buffer
	if err := run(ctx, []string{"reconcile", "--unit", prov.ID}, getenv, &out, &progress); err != nil {
		t.Fatal(err)
	}
	// Off a terminal, progress is a plain line: the province, its 8
	// districts, 242 communes and 484 branches.
	if !strings.HasSuffix(progress.String(), "reconciling: 735 units\n") {
		t.Fatalf("progress:\n%s", progress.String())
	}
	// The damaged district is repaired; the province above it may be too,
	// if the settler's sweep recounted it from the damaged tally before
	// the app closed.
	report := out.String()
	if !strings.Contains(report, "repaired "+district.Items[0].Name+" ") || !strings.Contains(report, "active members "+fmt.Sprint(c.Tally.Active)+" → "+fmt.Sprint(c.Tally.Active-77)) {
		t.Fatalf("reconcile did not report the damage:\n%s", report)
	}
	out.Reset()
	if err := run(ctx, []string{"reconcile", "--unit", prov.ID}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "0 repaired") {
		t.Fatalf("a second reconcile still repairs:\n%s", out.String())
	}
}

func TestCloseMonthCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"SOHOI_DATA_DIR": dir, "SOHOI_ADMIN_PASSWORD": "admin-password-1", "SOHOI_CLOSE_MONTHS": "false"}
	getenv := func(k string) string { return env[k] }
	var out, progress bytes.Buffer
	ctx := context.Background()
	if err := run(ctx, []string{"seed", "units", "--province", "12"}, getenv, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"close-month", "--day", "2025-06-30"}, getenv, &out, &progress); err != nil {
		t.Fatal(err)
	}
	// Lai Châu and its 38 communes, counted.
	if !strings.HasSuffix(progress.String(), "counting: 39 units\n") {
		t.Fatalf("progress:\n%s", progress.String())
	}
	if err := run(ctx, []string{"close-month", "--day", "2025-06-30"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "kept the figures of") || !strings.Contains(out.String(), "were kept already") {
		t.Fatalf("output:\n%s", out.String())
	}
	if err := run(ctx, []string{"close-month", "--day", "2025-06-29"}, getenv, &out, io.Discard); err == nil {
		t.Fatal("accepted a day that is not a month end")
	}
	// A range, from --day back: the one kept already is left alone, and a
	// second run keeps nothing more.
	out.Reset()
	if err := run(ctx, []string{"close-month", "--day", "2025-06-30", "--months", "3"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"on 2025-06-30 were kept already", "on 2025-05-31 in", "on 2025-04-30 in"} {
		if !strings.Contains(out.String(), want) {
			t.Fatalf("--months 3: no %q in\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := run(ctx, []string{"close-month", "--day", "2025-06-30", "--months", "3"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "were kept already"); n != 3 {
		t.Fatalf("a second run of --months 3:\n%s", out.String())
	}
	if err := run(ctx, []string{"close-month", "--months", "121"}, getenv, io.Discard, io.Discard); err == nil {
		t.Fatal("accepted --months 121")
	}
}
