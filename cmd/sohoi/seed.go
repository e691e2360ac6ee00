package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/demo"
	"github.com/sohoi/sohoi/internal/units"
	"github.com/sohoi/sohoi/internal/units/vnadmin"
)

const seedUnitsUsage = `usage: sohoi seed units [--tree 2025-07 | --file FILE] [--province CODE]

Loads Vietnam's official administrative tree below the central unit:
provinces, districts (before the 2025 reform) and communes, found by their
official codes. Units already there are kept (and renamed if the official
name changed), so running it again changes nothing.

The trees are carried in the binary (public GSO data via the dvhcvn
project, MIT): 2025-07, in force since 2025-07-01 (34 provinces, 3,321
communes, no districts), is the default; 2025-03 is the three-level tree
before the reform. --file reads another file of either shape instead.`

const seedMembersUsage = `usage: sohoi seed members --province CODE [--branches-per-commune N] [--count N]

Makes a demonstration roll in a province seeded with "sohoi seed units":
branches in every commune and believable, made-up members in them. It may
be stopped at any point and run again: each run adds --count members after
those already there, and the counters are right either way.`

const seedRecordsUsage = `usage: sohoi seed records --province CODE [--year YEAR] [--families-per-commune N]

Gives every commune of a province (with its branches, from "sohoi seed
members") a half-year of demonstration records (issue 20): the fund
brought forward, contributions, a correction, scholarships paid from the
fund, learning families and clans recognised with their evidence, and a
proposal refused, so that the province's half-year report has these
sections. Made through the services as the system: validated, audited
and counted. Run once per year: a second run for the same year stops at
the first commune, whose receipt numbers are taken.`

func seed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "units":
			return seedUnits(ctx, args[1:], getenv, stdout, stderr)
		case "members":
			return seedMembers(ctx, args[1:], getenv, stdout, stderr)
		case "records":
			return seedRecords(ctx, args[1:], getenv, stdout, stderr)
		case "-h", "-help", "--help":
			fmt.Fprintf(stdout, "%s\n\n%s\n\n%s\n", seedUnitsUsage, seedMembersUsage, seedRecordsUsage)
			return errHelped
		}
	}
	fmt.Fprintf(stderr, "%s\n\n%s\n\n%s\n", seedUnitsUsage, seedMembersUsage, seedRecordsUsage)
	return usageErrorf("sohoi seed: units, members or records?")
}

// seedRecords gives a province's communes a half-year of issue 20's
// records (demo.SeedRecords).
func seedRecords(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommand("seed records", seedRecordsUsage, stdout, stderr)
	province := c.fs.String("province", "", "2-digit code of a province already seeded with sohoi seed units (required)")
	year := c.fs.Int("year", time.Now().Year(), "the year of the records (their days fall in its first half)")
	families := c.fs.Int("families-per-commune", 5, "learning families recognised in each commune")
	check := func() error {
		switch {
		case *province == "":
			return c.fail("--province is required")
		case *families < 0 || *year < 2000:
			return c.fail("--families-per-commune must be at least 0 and --year at least 2000")
		}
		return nil
	}
	return c.openCore(ctx, args, getenv, check, func(a *app.Core) error {
		job := access.System("seed records")
		top, err := a.Units.ChildByCode(ctx, job, units.RootID, *province)
		if err != nil {
			return fmt.Errorf("province %s: %w (run sohoi seed units first)", *province, err)
		}
		start := time.Now()
		made, err := demo.SeedRecords(ctx, a.Units, a.Records, demo.RecordsSpec{Top: top, Year: *year, FamiliesPerCommune: *families,
			Seed: uint64(time.Now().UnixNano())})
		if made != nil {
			fmt.Fprintf(stdout, "seeded records in %d communes of %s: %d models recognised, %d refused, %d fund entries, %d awards in %s\n",
				made.Communes, top.Name, made.Recognised, made.Refused, made.Entries, made.Awards, time.Since(start).Round(time.Millisecond))
		}
		return err
	})
}

func seedUnits(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommand("seed units", seedUnitsUsage, stdout, stderr)
	tree := c.fs.String("tree", string(vnadmin.Current), "the carried tree to load: 2025-07 (in force) or 2025-03 (before the reform)")
	file := c.fs.String("file", "", "a dvhcvn-shaped JSON file to load instead of a carried tree")
	province := c.fs.String("province", "", "load only this province (its 2-digit code)")
	var areas []units.AdminArea
	read := func() error {
		set := map[string]bool{}
		c.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if set["tree"] && set["file"] {
			return c.fail("--tree and --file cannot be used together")
		}
		var r io.ReadCloser
		var err error
		if *file != "" {
			r, err = os.Open(*file)
		} else if r, err = vnadmin.Open(vnadmin.Tree(*tree)); err != nil {
			return c.fail("--tree: %v", err)
		}
		if err != nil {
			return err
		}
		defer r.Close()
		areas, err = units.ParseAdminAreas(r, *province)
		return err
	}
	return c.openCore(ctx, args, getenv, read, func(a *app.Core) error {
		job := access.System("seed units")
		root, err := unit(ctx, a, job, units.RootID)
		if err != nil {
			return err
		}
		start := time.Now()
		p := newProgress(stderr, "seeding units", "units", units.CountAreas(areas))
		res, err := a.Units.Seed(ctx, job, root, areas, p.Set)
		p.Done()
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
	c := newCommand("seed members", seedMembersUsage, stdout, stderr)
	province := c.fs.String("province", "", "2-digit code of a province already seeded with sohoi seed units (required)")
	perCommune := c.fs.Int("branches-per-commune", 12, "branches to make (or reuse) in each commune")
	count := c.fs.Int("count", 100_000, "members to add")
	check := func() error {
		switch {
		case *province == "":
			return c.fail("--province is required")
		case *count < 1 || *perCommune < 1:
			return c.fail("--count and --branches-per-commune must be at least 1")
		}
		return nil
	}
	return c.openCore(ctx, args, getenv, check, func(a *app.Core) error {
		job := access.System("seed members")
		top, err := a.Units.ChildByCode(ctx, job, units.RootID, *province)
		if err != nil {
			return fmt.Errorf("province %s: %w (run sohoi seed units first)", *province, err)
		}
		// Serials continue after the members already here (a run stopped
		// part-way or an earlier one), so that national IDs stay unique.
		// Reading the rollup first recounts what a stopped run left marked.
		before, err := a.Rollups.Rollup(ctx, job, top.ID, civil.Date{})
		if err != nil {
			return err
		}
		var load demo.Loader = demo.OneByOne{Store: a.Store}
		if bulk, ok := a.Store.(demo.Loader); ok {
			load = bulk
		}
		load = auditedLoader{load: load, log: a.Audit, job: job}
		p := newProgress(stderr, "seeding members", "members", *count)
		roll, err := demo.SeedRoll(ctx, a.Units, load, demo.RollSpec{
			Top: top, BranchesPerCommune: *perCommune, Members: *count, Batch: 5000,
			FirstSerial: before.Totals.Members, Seed: uint64(time.Now().UnixNano()), Now: time.Now(),
			Counts: a.Rollups, Progress: p.Set,
		})
		p.Done()
		if err != nil && roll != nil && roll.Members > 0 {
			// Interrupted (or a batch failed): what is stored is kept
			// and marked. Count it now unless stopped again (a second
			// interrupt ends the process; the marks cover that too).
			fmt.Fprintf(stderr, "stopped after %d members; counting them (interrupt again to leave that to the server's settler)\n", roll.Members)
			if _, cerr := a.Rollups.Reconcile(context.WithoutCancel(ctx), job, top); cerr != nil {
				return fmt.Errorf("%w; counting: %v", err, cerr)
			}
			return fmt.Errorf("stopped after %d members, which are kept and counted (run again to add more): %w", roll.Members, err)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "seeded members: %d in %d branches of %s in %s (%.0f members/s); %d there before\n", roll.Members,
			len(roll.Branches), top.Name, roll.Elapsed.Round(time.Millisecond), float64(roll.Members)/roll.Elapsed.Seconds(),
			before.Totals.Members)
		// The batches left their branches marked: count the province once.
		start := time.Now()
		r, err := a.Rollups.Reconcile(ctx, job, top)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "counted %d units in %s\n", r.Checked, time.Since(start).Round(time.Millisecond))
		return nil
	})
}
