package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/logging"
	"github.com/sohoi/sohoi/internal/units"
)

func seed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "units" {
		return fmt.Errorf("usage: sohoi seed units --file FILE [--province CODE]")
	}
	fs := flag.NewFlagSet("seed units", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("file", "", "dvhcvn JSON file, e.g. ../shared/data/vn-admin-units-2025-03.json")
	province := fs.String("province", "", "load only this province (2-digit code)")
	cfg, err := config(fs, args[1:], getenv)
	if err != nil {
		return err
	}
	if *file == "" {
		return fmt.Errorf("--file is required")
	}
	f, err := os.Open(*file)
	if err != nil {
		return err
	}
	defer f.Close()
	areas, err := units.ParseAdminAreas(f, *province)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, logging.New(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer a.Close()
	root, err := a.Units.Get(ctx, units.RootID)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := a.Units.Seed(ctx, root, areas)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded units: %d created, %d renamed, %d unchanged in %s\n",
		res.Created, res.Renamed, res.Unchanged, time.Since(start).Round(time.Millisecond))
	return nil
}
