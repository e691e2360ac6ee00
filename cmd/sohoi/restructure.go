package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/units"
	"github.com/sohoi/sohoi/internal/units/vnadmin"
)

const restructureUsage = `usage: sohoi restructure --plan 2025-07|FILE [--province CODE] [--assign FILE] [--dry-run]

Applies a reform plan to a tree seeded from the one before it ("sohoi seed
units --tree 2025-03"): a plan lists new provinces and communes and, for
each, the old units it absorbs, whole ("full") or in part ("partial"), in
the shape of the 2025-07 tree carried in the binary (--plan 2025-07) or of
a file. New units are created, the branches of old communes absorbed
whole move to the new commune with their members, officers and history,
the branches of old communes split among several new ones wait for a
person to say where each goes (they are listed; --assign reads a CSV of
"branch id,new commune code" lines), and old communes, districts and
provinces left with nothing active are closed, pointing to the unit that
took them over. Running it again with the same plan finishes an
interrupted run and changes nothing more.

--dry-run prints, per new province, what it would change, and changes nothing.`

func restructure(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommand("restructure", restructureUsage, stdout, stderr)
	planFlag := c.fs.String("plan", "", "the plan: 2025-07 (carried in the binary) or a file of that shape (required)")
	province := c.fs.String("province", "", "apply only the part of the plan for this new province (its 2-digit code)")
	assignFile := c.fs.String("assign", "", `a CSV of "branch id,new commune code" lines for branches of split communes`)
	dryRun := c.fs.Bool("dry-run", false, "print what would change and change nothing")
	var plan []units.ReformArea
	assign := map[string]string{}
	read := func() error {
		if *planFlag == "" {
			return c.fail("--plan is required")
		}
		r, err := vnadmin.Open(vnadmin.Tree(*planFlag))
		if err != nil {
			if r, err = os.Open(*planFlag); err != nil {
				return c.fail("--plan: %v", err)
			}
		}
		defer r.Close()
		if plan, err = units.ParseReform(r, *province); err != nil {
			return err
		}
		if *assignFile != "" {
			if assign, err = readAssignments(*assignFile); err != nil {
				return fmt.Errorf("--assign: %w", err)
			}
		}
		return nil
	}
	return c.openCore(ctx, args, getenv, read, func(a *app.Core) error {
		job := access.System("restructure")
		start := time.Now()
		changes, err := a.Units.Restructure(ctx, job, plan, assign, *dryRun)
		printReform(stdout, changes, *dryRun)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "done in %s\n", time.Since(start).Round(time.Millisecond))
		return nil
	})
}

// readAssignments reads "branch id,new commune code" lines.
func readAssignments(name string) (map[string]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	out := map[string]string{}
	for line := 1; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if len(rec) < 2 || strings.TrimSpace(rec[0]) == "" {
			return nil, fmt.Errorf("line %d: want \"branch id,new commune code\"", line)
		}
		code, _, _ := strings.Cut(rec[1], "#") // the comment printReform adds
		out[strings.TrimSpace(rec[0])] = strings.TrimSpace(code)
	}
}

// printReform prints one line per new province, then the branches waiting
// for a person, in the CSV shape --assign reads (a candidate filled in).
func printReform(w io.Writer, changes []units.ProvinceChange, dryRun bool) {
	verb := "changed"
	if dryRun {
		verb = "would change (dry run)"
	}
	fmt.Fprintf(w, "%s:\n", verb)
	fmt.Fprintf(w, "%-4s %-28s %-9s %8s %8s %8s %8s %8s %9s %9s %8s\n", "code", "province", "from", "communes", "branches", "recoded", "waiting", "split", "closed.cm", "closed.ds", "closed.p")
	var waiting []units.Waiting
	for _, ch := range changes {
		prov := ""
		switch {
		case ch.CreatedProvince:
			prov = " (new)"
		case ch.RenamedProvince:
			prov = " (renamed)"
		}
		fmt.Fprintf(w, "%-4s %-28s %-9s %8d %8d %8d %8d %8d %9d %9d %8d\n", ch.Code, ch.Name+prov, strings.Join(ch.SourceProvinces, "+"),
			ch.CreatedCommunes, ch.MovedBranches, len(ch.Recoded), len(ch.Waiting), ch.PartialCommunes, ch.ClosedCommunes, ch.ClosedDistricts, ch.ClosedProvinces)
		if len(ch.MissingOldUnits) > 0 {
			fmt.Fprintf(w, "     %d old units of the plan are not in the tree: %s\n", len(ch.MissingOldUnits), abbreviate(ch.MissingOldUnits, 10))
		}
		waiting = append(waiting, ch.Waiting...)
	}
	if len(waiting) > 0 {
		fmt.Fprintf(w, "branches waiting for assignment (branch id,new commune code; choose among the candidates):\n")
		for _, b := range waiting {
			fmt.Fprintf(w, "%s,%s  # branch %s of old commune %s; candidates %s\n", b.BranchID, b.Candidates[0], b.BranchCode, b.OldCommune, strings.Join(b.Candidates, " "))
		}
	}
}

func abbreviate(codes []string, n int) string {
	if len(codes) <= n {
		return strings.Join(codes, " ")
	}
	return strings.Join(codes[:n], " ") + fmt.Sprintf(" … (%d more)", len(codes)-n)
}
