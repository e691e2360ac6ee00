package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/demo"
	"github.com/sohoi/sohoi/internal/units"
)

const seedUsage = `usage: sohoi seed units --file FILE [--province CODE]
       sohoi seed members --province CODE [--branches-per-commune N] [--count N]`

func seed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "members" {
		return seedMembers(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "units" {
		return fmt.Errorf("%s", seedUsage)
	}
	t := newTool("seed units", stderr)
	file := t.fs.String("file", "", "dvhcvn JSON file, e.g. ../shared/data/vn-admin-units-2025-03.json")
	province := t.fs.String("province", "", "load only this province (2-digit code)")
	var areas []units.AdminArea
	read := func() error {
		if *file == "" {
			return fmt.Errorf("--file is required")
		}
		f, err := os.Open(*file)
		if err != nil {
			return err
		}
		defer f.Close()
		areas, err = units.ParseAdminAreas(f, *province)
		return err
	}
	return t.run(ctx, args[1:], getenv, read, func(a *app.App) error {
		root, err := unit(ctx, a, units.RootID)
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
	})
}

// seedMembers makes a demonstration roll: branches in every commune of a
// province and believable (made-up) members in them.
func seedMembers(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	t := newTool("seed members", stderr)
	province := t.fs.String("province", "", "2-digit code of a province already seeded with `seed units`")
	perCommune := t.fs.Int("branches-per-commune", 12, "branches to make (or reuse) in each commune")
	count := t.fs.Int("count", 100_000, "members to add")
	check := func() error {
		if *province == "" || *count < 1 || *perCommune < 1 {
			return fmt.Errorf("%s", seedUsage)
		}
		return nil
	}
	return t.run(ctx, args, getenv, check, func(a *app.App) error {
		root, err := unit(ctx, a, units.RootID)
		if err != nil {
			return err
		}
		top, err := a.Units.ChildByCode(ctx, root, *province)
		if err != nil {
			return fmt.Errorf("province %s: %w (run sohoi seed units first)", *province, err)
		}
		var load demo.Loader = demo.OneByOne{Store: a.Store}
		if bulk, ok := a.Store.(demo.Loader); ok {
			load = bulk
		}
		roll, err := demo.SeedRoll(ctx, a.Units, load, top, *perCommune, *count, 5000, uint64(time.Now().UnixNano()), time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "seeded members: %d in %d branches of %s in %s (%.0f members/s)\n", roll.Members, len(roll.Branches),
			top.Name, roll.Elapsed.Round(time.Millisecond), float64(roll.Members)/roll.Elapsed.Seconds())
		// The bulk path bypasses the counters: count the province once.
		start := time.Now()
		r, err := a.Rollups.Reconcile(ctx, top)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "counted %d units in %s\n", r.Checked, time.Since(start).Round(time.Millisecond))
		return nil
	})
}
