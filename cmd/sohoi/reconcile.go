package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/logging"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/units"
)

const reconcileUsage = `usage: sohoi reconcile [--unit ID]

Recounts the counters of a subtree from the members and posts, repairs
those that drifted and says which. It may run beside the server.`

const closeMonthUsage = `usage: sohoi close-month [--day YYYY-MM-DD] [--months N] [--unit ID]

Keeps past month ends' figures for a subtree, so that rollups and period
reports for those days read stored figures, and any other day is a kept
month end plus the movements since. The server does this by itself for each
month as it ends; this is for past months, for instance after importing old
rolls: --months 120 keeps the last ten years. A month end kept already is
left as it is, so a run that was stopped can simply be run again.`

// reconcile recounts the counters of a subtree from the members and posts,
// repairs those that drifted and says which.
func reconcile(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommand("reconcile", reconcileUsage, stdout, stderr)
	unitID := c.fs.String("unit", units.RootID, "id of the unit whose subtree to recount")
	job := access.System("reconcile")
	return c.openCore(ctx, args, getenv, nil, func(a *app.Core) error {
		u, err := unit(ctx, a, job, *unitID)
		if err != nil {
			return err
		}
		p := newProgress(stderr, "reconciling", "units", -1)
		r, err := watched(a, c, p).Reconcile(ctx, job, u)
		p.Done()
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

// closeMonth keeps a past month end's figures for a subtree.
func closeMonth(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommand("close-month", closeMonthUsage, stdout, stderr)
	unitID := c.fs.String("unit", units.RootID, "id of the unit whose subtree to count")
	day := c.fs.String("day", "", "the (latest) month end, YYYY-MM-DD (default: the last one before today)")
	months := c.fs.Int("months", 1, "how many month ends to keep, from --day back (at most 120)")
	var d civil.Date
	check := func() (err error) {
		if *months < 1 || *months > 120 {
			return c.fail("--months: %d is not between 1 and 120", *months)
		}
		if *day == "" {
			today := civil.Today(time.Now())
			d = civil.Date{Year: today.Year, Month: today.Month, Day: 1}.AddDays(-1)
			return nil
		}
		if d, err = civil.Parse(*day); err != nil {
			return c.fail("--day: %v", err)
		}
		return nil
	}
	job := access.System("close-month")
	return c.openCore(ctx, args, getenv, check, func(a *app.Core) error {
		u, err := unit(ctx, a, job, *unitID)
		if err != nil {
			return err
		}
		for range *months {
			start := time.Now()
			p := newProgress(stderr, "counting", "units", -1)
			made, err := watched(a, c, p).CloseMonth(ctx, job, u, d)
			p.Done()
			switch {
			case err != nil:
				return err
			case !made:
				fmt.Fprintf(stdout, "the figures of %s on %s were kept already\n", u.Name, d)
			default:
				fmt.Fprintf(stdout, "kept the figures of %s on %s in %s\n", u.Name, d, time.Since(start).Round(time.Millisecond))
			}
			d = civil.Date{Year: d.Year, Month: d.Month, Day: 1}.AddDays(-1) // the month end before
		}
		return nil
	})
}

// watched is a rollups service on a's store whose walks of the tree are
// shown by p: the service has no progress of its own, but every unit it
// counts is first listed among its parent's children.
func watched(a *app.Core, c *command, p progress) *rollups.Service {
	return rollups.NewService(a.Store, &listedUnits{Tree: a.Tree, p: p, seen: map[string]bool{}}, a.Store,
		logging.New(c.stderr, c.cfg.LogLevel), a.Now)
}

// listedUnits reads the tree through units.Tree and tells p how many
// distinct units it has listed.
type listedUnits struct {
	*units.Tree
	p    progress
	mu   sync.Mutex
	seen map[string]bool
}

func (l *listedUnits) Children(ctx context.Context, u *units.Unit, pr page.Request) (page.Result[*units.Unit], error) {
	res, err := l.Tree.Children(ctx, u, pr)
	l.saw(res.Items...)
	return res, err
}

// EachChildOn is how a past day's children are listed (in the tree of
// that day): shown like Children.
func (l *listedUnits) EachChildOn(ctx context.Context, u *units.Unit, d civil.Date, fn func(*units.Unit) error) error {
	return l.Tree.EachChildOn(ctx, u, d, func(c *units.Unit) error {
		l.saw(c)
		return fn(c)
	})
}

func (l *listedUnits) saw(us ...*units.Unit) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range us {
		l.seen[c.ID] = true
	}
	l.p.Set(len(l.seen))
}
