package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/logging"
	"github.com/sohoi/sohoi/internal/units"
)

// The demo's records give a province's half-year report its sections:
// models recognised in every commune, a fund that balances, scholarships;
// the counters agree with a recount, and a second run changes nothing.
func TestSeedRecords(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"SOHOI_DATA_DIR": dir, "SOHOI_ADMIN_PASSWORD": "admin-password-1", "SOHOI_CLOSE_MONTHS": "false"}
	getenv := func(k string) string { return env[k] }
	ctx := context.Background()
	for _, args := range [][]string{
		{"seed", "units", "--province", "12"}, // Lai Châu: 38 communes
		{"seed", "members", "--province", "12", "--branches-per-commune", "2", "--count", "500"},
	} {
		if err := run(ctx, args, getenv, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"seed", "records", "--province", "12", "--year", "2025", "--families-per-commune", "2"}, getenv, &out, io.Discard); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "seeded records in 38 communes") || !strings.Contains(out.String(), "76 models recognised") && !strings.Contains(out.String(), "89 models recognised") {
		t.Fatalf("output: %s", out.String())
	}
	if err := run(ctx, []string{"seed", "records", "--province", "12", "--year", "2025"}, getenv, io.Discard, io.Discard); err == nil {
		t.Fatal("a second run for the same year went through")
	}
	out.Reset()
	if err := run(ctx, []string{"reconcile"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), " 0 repaired") {
		t.Fatalf("the seeded records left counters wrong:\n%s", out.String())
	}
	cfg := app.Defaults()
	cfg.DataDir, cfg.CloseMonths = dir, false
	a, err := app.New(ctx, cfg, logging.New(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	sys := access.System("test")
	prov, err := a.Units.ChildByCode(ctx, sys, units.RootID, "12")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := a.Rollups.PeriodReport(ctx, sys, prov.ID, civil.MustParse("2025-01-01"), civil.MustParse("2025-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Total.Records
	if !rep.Total.Balanced() || r.Fund.In == 0 || r.Fund.Out == 0 || r.RecognisedForYear["family"] != 76 || r.Scholarships.Awards < 76 {
		t.Fatalf("the province's half-year: %+v", r)
	}
	for _, row := range rep.Children {
		if row.Records.RecognisedForYear["family"] != 2 || !row.Balanced() {
			t.Fatalf("commune %s: %+v", row.Unit.Name, row.Records)
		}
	}
}
