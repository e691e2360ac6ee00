package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/demo"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/logging"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
	"github.com/sohoi/sohoi/internal/units/vnadmin"
)

const demoUsage = `usage: sohoi demo [--data-dir DIR] [--members N] [--addr ADDR] [--seed-only]

Makes a demonstration registry and serves it. On an empty store (by
default ./sohoi-demo, so that a real ./data is never touched) it replays
the years before the July 2025 reform: Thái Bình as the 2025-03 tree had
it (8 districts, 260 communes), two branches in each commune, --members
made-up members who joined over the years, some of whom left or moved
branch since, officers, the first half of 2022's learning models (with their evidence), fund and
scholarships, and the half-year ends kept from the end of 2021.
Then it applies the 2025-07 reform on 2025-07-01, as the association did:
Thái Bình becomes part of Hưng Yên, its branches move to the new communes
and the old units close, keeping their history. It makes one user for each
role and prints how to log in as each. On a store it made before, it only
serves. Nothing in it is real personal data.

--seed-only makes the registry and stops without serving.`

// demoPassword is every demo user's password: the demo is for trying
// sohoi on a laptop, and its README tells so; a real registry gets its
// own users (sohoi users, POST /api/v1/users).
const demoPassword = "hoivien-demo-2022"

// The days the demo replays: the members are made as of the eve of the
// reform, and the reform runs on its day.
var (
	vietnam    = time.FixedZone("ICT", 7*3600)
	demoEve    = time.Date(2025, 6, 30, 9, 0, 0, 0, vietnam)
	demoReform = time.Date(2025, 7, 1, 8, 0, 0, 0, vietnam)
)

func demoCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommand("demo", demoUsage, stdout, stderr)
	// The demo's own directory unless one is named, so that a real
	// ./data is never touched.
	demoEnv := func(k string) string {
		if v := getenv(k); v != "" || k != "SOHOI_DATA_DIR" {
			return v
		}
		return "./sohoi-demo"
	}
	if err := c.withStore(demoEnv); err != nil {
		return err
	}
	c.fs.StringVar(&c.cfg.Addr, "addr", c.cfg.Addr, "listen address (SOHOI_ADDR)")
	count := c.fs.Int("members", 30_000, "members to make (at least 500)")
	seedOnly := c.fs.Bool("seed-only", false, "make the registry and stop")
	if err := c.parse(args); err != nil {
		return err
	}
	if *count < 500 {
		return c.fail("--members: %d is fewer than 500", *count)
	}
	if c.cfg.AdminPassword == "" {
		c.cfg.AdminPassword = demoPassword
	}
	log := logging.New(stderr, c.cfg.LogLevel)
	made, err := seedDemo(ctx, c.cfg, log, *count, stdout)
	if err != nil {
		return err
	}
	if err := printDemoLogins(ctx, c.cfg, log, made, stdout); err != nil {
		return err
	}
	if *seedOnly {
		return nil
	}
	limitMemory(c.cfg, getenv)
	s, err := app.New(ctx, c.cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	return s.Serve(ctx)
}

// seedDemo makes the demo registry unless the store holds one (made
// false). A store with other units than the root that is not a demo is
// refused: the demo never mixes made-up members into a real registry.
func seedDemo(ctx context.Context, cfg app.Config, log *slog.Logger, count int, stdout io.Writer) (made bool, err error) {
	job := access.System("demo")
	clock := &demoClock{at: demoEve}
	cfg.Clock = clock.now
	a, err := app.OpenCore(ctx, cfg, log)
	if err != nil {
		return false, err
	}
	defer a.Close()
	if _, err := a.Store.GetUserByUsername(ctx, demoUsers[0].username); err == nil {
		fmt.Fprintf(stdout, "the demo registry in %s is there already\n", cfg.DataDir)
		return false, nil
	}
	kids, err := a.Units.Children(ctx, job, units.RootID, page.Request{Limit: 1})
	if err != nil {
		return false, err
	}
	if len(kids.Items) > 0 {
		return false, errors.New("this store holds units already and no demo: the demo needs an empty store (use --data-dir)")
	}
	start := time.Now()
	step := func(what string) { fmt.Fprintf(stdout, "demo: %s (%s)\n", what, time.Since(start).Round(time.Second)) }

	// 1. The tree as it was, and its members as of the eve of the reform.
	r, err := vnadmin.Open(vnadmin.Tree("2025-03"))
	if err != nil {
		return false, err
	}
	areas, err := units.ParseAdminAreas(r, "34")
	r.Close()
	if err != nil {
		return false, err
	}
	root, err := a.Units.Get(ctx, job, units.RootID)
	if err != nil {
		return false, err
	}
	if _, err := a.Units.Seed(ctx, job, root, areas, nil); err != nil {
		return false, err
	}
	thaiBinh, err := a.Units.ChildByCode(ctx, job, units.RootID, "34")
	if err != nil {
		return false, err
	}
	var load demo.Loader = demo.OneByOne{Store: a.Store}
	if bulk, ok := a.Store.(demo.Loader); ok {
		load = bulk
	}
	load = auditedLoader{load: load, log: a.Audit, job: job}
	roll, err := demo.SeedRoll(ctx, a.Units, load, demo.RollSpec{Top: thaiBinh, BranchesPerCommune: 2, Members: count,
		Batch: 5000, Seed: 2022, Now: clock.now(), Counts: a.Rollups})
	if err != nil {
		return false, err
	}
	if _, err := a.Rollups.Reconcile(ctx, job, thaiBinh); err != nil {
		return false, err
	}
	step(fmt.Sprintf("Thái Bình as of 2025-03: %d branches, %d members", len(roll.Branches), roll.Members))
	home, err := demo.History(ctx, demo.HistorySpec{Units: a.Units, Members: a.Members, Officers: a.Officers, Caller: job,
		Branches: roll.Branches, Today: civil.Today(clock.now()), Seed: 2022})
	if err != nil {
		return false, err
	}
	step(fmt.Sprintf("history: %d left, %d moved branch, %d officers", home.Left, home.Transferred, home.Officers))
	// The work beside the roll that the 2022 half-year review reports:
	// learning models with their evidence, the fund, scholarships.
	recs, err := demo.SeedRecords(ctx, a.Units, a.Records, demo.RecordsSpec{Top: thaiBinh, Year: 2022, FamiliesPerCommune: 2, Seed: 2022})
	if err != nil {
		return false, err
	}
	step(fmt.Sprintf("2022's first half: %d learning models recognised (%d refused for want of evidence), %d fund entries, %d scholarships",
		recs.Recognised, recs.Refused, recs.Entries, recs.Awards))

	// The review days kept (each 30 June and 31 December from the end of
	// 2021), so that half-year and year-end reports read kept figures;
	// any other day is a kept one plus the movements since.
	keep := func(days ...civil.Date) error {
		for _, d := range days {
			if _, err := a.Rollups.CloseMonth(ctx, job, root, d); err != nil {
				return fmt.Errorf("keeping %s: %w", d, err)
			}
		}
		return nil
	}
	if err := keep(reviewDays(civil.MustParse("2021-12-31"), civil.MustParse("2025-05-31"))...); err != nil {
		return false, err
	}
	step("half-year and year ends kept from 2021-12-31")

	// 2. The reform, on its day; split communes' branches go to the first
	// new commune the plan offers.
	clock.set(demoReform)
	if err := keep(civil.MustParse("2025-06-30")); err != nil {
		return false, err
	}
	changes, err := a.Units.ApplyPlan(ctx, job, units.PlanRequest{Plan: "2025-07", Province: "33"})
	if err != nil {
		return false, err
	}
	assign := map[string]string{}
	for _, ch := range changes {
		for _, w := range ch.Waiting {
			assign[w.BranchID] = w.Candidates[0]
		}
		step(fmt.Sprintf("the reform on 2025-07-01: %s %s made with %d communes; %d branches moved, %d waiting for a person to say where; %d communes, %d districts and %d provinces closed",
			ch.Code, ch.Name, ch.CreatedCommunes, ch.MovedBranches, len(ch.Waiting), ch.ClosedCommunes, ch.ClosedDistricts, ch.ClosedProvinces))
	}
	if len(assign) > 0 {
		if changes, err = a.Units.ApplyPlan(ctx, job, units.PlanRequest{Plan: "2025-07", Province: "33", Assign: assign}); err != nil {
			return false, err
		}
		for _, ch := range changes {
			step(fmt.Sprintf("the waiting branches put in the first new commune offered: %d moved; %d communes, %d districts and %d provinces closed",
				ch.MovedBranches, ch.ClosedCommunes, ch.ClosedDistricts, ch.ClosedProvinces))
		}
	}

	// 3. Back to today: the month ends since, and the users.
	clock.set(time.Now())
	today := civil.Today(clock.now())
	lastMonthEnd := (civil.Date{Year: today.Year, Month: today.Month, Day: 1}).AddDays(-1)
	if err := keep(append(reviewDays(civil.MustParse("2025-07-01"), lastMonthEnd), lastMonthEnd)...); err != nil {
		return false, err
	}
	hungYen, err := a.Units.ChildByCode(ctx, job, units.RootID, "33")
	if err != nil {
		return false, err
	}
	places := map[string]string{"province": hungYen.ID, "old": thaiBinh.ID, "commune": home.Branch.ParentID, "branch": home.Branch.ID}
	if moved, err := a.Units.Get(ctx, job, home.Branch.ID); err == nil {
		places["commune"] = moved.ParentID // the new commune since the reform
	}
	for _, u := range demoUsers {
		var grants []access.GrantInput
		for _, g := range u.grants {
			grants = append(grants, access.GrantInput{Role: g.role, UnitID: places[g.place]})
		}
		if _, err := a.Users.Create(ctx, job, access.NewUser{Username: u.username, Password: demoPassword, DisplayName: u.display,
			Grants: grants}); err != nil && !errs.Is(err, errs.Conflict) {
			return false, fmt.Errorf("user %s: %w", u.username, err)
		}
	}
	step("users made")
	return true, nil
}

// ensureDemoAdmin makes the administrator the demo prints, unless it
// exists. The server makes one only on a database without users, and the
// demo's users come first; demos made before this had none.
func ensureDemoAdmin(ctx context.Context, a *app.Core, job *access.Caller, password string) error {
	if _, err := a.Store.GetUserByUsername(ctx, "admin"); !errs.Is(err, errs.NotFound) {
		return err
	}
	_, err := a.Users.Create(ctx, job, access.NewUser{Username: "admin", Password: password, DisplayName: "Administrator",
		Grants: []access.GrantInput{{Role: access.Admin, UnitID: units.RootID}}})
	if errs.Is(err, errs.Conflict) { // a server made it meanwhile
		return nil
	}
	return err
}

// reviewDays are the 30 June and 31 December days from..to.
func reviewDays(from, to civil.Date) []civil.Date {
	var out []civil.Date
	for y := from.Year; y <= to.Year; y++ {
		for _, d := range []civil.Date{{Year: y, Month: time.June, Day: 30}, {Year: y, Month: time.December, Day: 31}} {
			if !d.Before(from) && !d.After(to) {
				out = append(out, d)
			}
		}
	}
	return out
}

// demoClock is the time the demo's services read while it replays.
type demoClock struct{ at time.Time }

func (c *demoClock) now() time.Time  { return c.at }
func (c *demoClock) set(t time.Time) { c.at = t }

type demoGrant struct {
	role  access.Role
	place string // "province" (Hưng Yên), "old" (Thái Bình, closed), "commune", "branch"
}

// demoUsers are the demo's users, one for each role; the first is how a
// store is known to hold the demo.
var demoUsers = []struct {
	username, display, what string
	grants                  []demoGrant
}{
	{"chihoi", "Chi hội trưởng (demo)", "a branch chair: the branch's roll, read and write",
		[]demoGrant{{access.Editor, "branch"}}},
	{"hoixa", "Văn phòng Hội xã (demo)", "the commune office: its branches, units and users",
		[]demoGrant{{access.Manager, "commune"}}},
	{"hoitinh", "Văn phòng Hội tỉnh (demo)", "the provincial office: Hưng Yên today, old Thái Bình's history",
		[]demoGrant{{access.Manager, "province"}, {access.Viewer, "old"}}},
	{"xemtinh", "Cán bộ xem (demo)", "a viewer of the province: rolls and figures, no changes",
		[]demoGrant{{access.Viewer, "province"}, {access.Viewer, "old"}}},
	{"baocao", "Báo cáo (demo)", "a reporter: figures and reports only, no personal data",
		[]demoGrant{{access.Reporter, "province"}, {access.Reporter, "old"}}},
}

// printDemoLogins says how to log in as each demo user and what to look at.
func printDemoLogins(ctx context.Context, cfg app.Config, log *slog.Logger, made bool, stdout io.Writer) error {
	a, err := app.OpenCore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	job := access.System("demo")
	if err := ensureDemoAdmin(ctx, a, job, cfg.AdminPassword); err != nil {
		return err
	}
	u, err := a.Store.GetUserByUsername(ctx, "chihoi")
	if err != nil {
		return fmt.Errorf("the demo's branch chair: %w", err)
	}
	branch, err := a.Units.Get(ctx, job, u.Grants[0].UnitID)
	if err != nil {
		return err
	}
	t, err := a.Store.GetUserByUsername(ctx, "hoitinh")
	if err != nil {
		return err
	}
	addr := cfg.Addr
	if len(addr) > 0 && addr[0] == ':' {
		addr = "localhost" + addr
	}
	base := "http://" + addr + "/api/v1"
	fmt.Fprintf(stdout, "\nsohoi demo — made-up data, not for real use. Every demo user's password: %s\n", demoPassword)
	fmt.Fprintf(stdout, "  %-8s %s\n", "admin", "the administrator (password: SOHOI_ADMIN_PASSWORD, or the demo's)")
	for _, d := range demoUsers {
		fmt.Fprintf(stdout, "  %-8s %s\n", d.username, d.what)
	}
	fmt.Fprintf(stdout, `
Log in and look (API docs at http://%s/docs):
  TOKEN=$(curl -s %s/auth/login -H 'Content-Type: application/json' \
    -d '{"username":"chihoi","password":"%s"}' | sed 's/.*"accessToken":"\([^"]*\)".*/\1/')
  curl -s -H "Authorization: Bearer $TOKEN" %s/units/%s/members        # %s's roll
As "hoitinh" (the same way): today's Hưng Yên and old Thái Bình's 2022 half-year review:
  curl -s -H "Authorization: Bearer $TOKEN" %s/units/%s/rollup
  curl -s -H "Authorization: Bearer $TOKEN" '%s/units/%s/reports/period?from=2022-01-01&to=2022-06-30'
`, addr, base, demoPassword, base, branch.ID, branch.Name, base, t.Grants[0].UnitID, base, t.Grants[1].UnitID)
	return nil
}
