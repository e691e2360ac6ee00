package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/logging"
	"github.com/sohoi/sohoi/internal/units"
)

// reconcile recounts the counters of a subtree from the members and posts,
// repairs those that drifted and says which.
func reconcile(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	fs.SetOutput(stderr)
	unitID := fs.String("unit", units.RootID, "id of the unit whose subtree to recount")
	cfg, err := config(fs, args, getenv)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, logging.New(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Units.Get(ctx, *unitID)
	if err != nil {
		return fmt.Errorf("unit %s: %w", *unitID, err)
	}
	r, err := a.Rollups.Reconcile(ctx, u)
	if err != nil {
		return err
	}
	for _, rp := range r.Repairs {
		fmt.Fprintln(stdout, "repaired", rp)
	}
	fmt.Fprintf(stdout, "reconciled %s: %d counters checked, %d repaired, %d kept days to recount on read\n",
		u.Name, r.Checked, len(r.Repairs), r.Snapshots)
	return nil
}

// closeMonth keeps a past month end's figures for a subtree, so that
// rollups and period reports for that day read stored figures: the server
// does this by itself for each month as it ends; this is for past months,
// for instance after importing old rolls.
func closeMonth(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("close-month", flag.ContinueOnError)
	fs.SetOutput(stderr)
	unitID := fs.String("unit", units.RootID, "id of the unit whose subtree to count")
	day := fs.String("day", "", "the month end, YYYY-MM-DD")
	cfg, err := config(fs, args, getenv)
	if err != nil {
		return err
	}
	d, err := civil.Parse(*day)
	if err != nil {
		return fmt.Errorf("--day: %w", err)
	}
	a, err := app.New(ctx, cfg, logging.New(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Units.Get(ctx, *unitID)
	if err != nil {
		return fmt.Errorf("unit %s: %w", *unitID, err)
	}
	start := time.Now()
	made, err := a.Rollups.CloseMonth(ctx, u, d)
	if err != nil {
		return err
	}
	if !made {
		fmt.Fprintf(stdout, "the figures of %s on %s were kept already\n", u.Name, d)
		return nil
	}
	fmt.Fprintf(stdout, "kept the figures of %s on %s in %s\n", u.Name, d, time.Since(start).Round(time.Millisecond))
	return nil
}
