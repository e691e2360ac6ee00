package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/units"
)

// reconcile recounts the counters of a subtree from the members and posts,
// repairs those that drifted and says which.
func reconcile(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	t := newTool("reconcile", stderr)
	unitID := t.fs.String("unit", units.RootID, "id of the unit whose subtree to recount")
	return t.run(ctx, args, getenv, nil, func(a *app.App) error {
		u, err := unit(ctx, a, *unitID)
		if err != nil {
			return err
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
	})
}

// closeMonth keeps a past month end's figures for a subtree, so that
// rollups and period reports for that day read stored figures: the server
// does this by itself for each month as it ends; this is for past months,
// for instance after importing old rolls.
func closeMonth(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	t := newTool("close-month", stderr)
	unitID := t.fs.String("unit", units.RootID, "id of the unit whose subtree to count")
	day := t.fs.String("day", "", "the month end, YYYY-MM-DD")
	var d civil.Date
	check := func() (err error) {
		if d, err = civil.Parse(*day); err != nil {
			return fmt.Errorf("--day: %w", err)
		}
		return nil
	}
	return t.run(ctx, args, getenv, check, func(a *app.App) error {
		u, err := unit(ctx, a, *unitID)
		if err != nil {
			return err
		}
		start := time.Now()
		made, err := a.Rollups.CloseMonth(ctx, u, d)
		switch {
		case err != nil:
			return err
		case !made:
			fmt.Fprintf(stdout, "the figures of %s on %s were kept already\n", u.Name, d)
		default:
			fmt.Fprintf(stdout, "kept the figures of %s on %s in %s\n", u.Name, d, time.Since(start).Round(time.Millisecond))
		}
		return nil
	})
}
