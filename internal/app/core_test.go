package app_test

import (
	"context"
	"io"
	"maps"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/counting"
	"github.com/sohoi/sohoi/internal/logging"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/units"
)

// A service that writes counted facts cannot be built without its counts:
// nothing can leave a path uncounted by forgetting to attach them.
func TestServicesCannotBeBuiltWithoutCounts(t *testing.T) {
	cases := map[string]func(){
		"units":    func() { units.NewService(nil, nil, nil, audit.Unrecorded, nil) },
		"members":  func() { members.NewService(nil, nil, nil, nil, audit.Unrecorded, nil) },
		"officers": func() { officers.NewService(nil, nil, nil, nil, audit.Unrecorded, nil) },
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("%s.NewService without counts was built", name)
				}
			}()
			build()
		})
	}
}

// Nor without an audit log: no write can go unrecorded by forgetting it.
func TestServicesCannotBeBuiltWithoutAuditLog(t *testing.T) {
	cases := map[string]func(){
		"units":    func() { units.NewService(nil, counting.Uncounted, members.ActiveRoll(nil), nil, nil) },
		"members":  func() { members.NewService(nil, nil, nil, counting.Uncounted, nil, nil) },
		"officers": func() { officers.NewService(nil, nil, counting.Uncounted, nil, nil, nil) },
		"users":    func() { access.NewUsers(nil, nil, nil, nil, nil, nil) },
	}
	for name, build := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("%s without an audit log was built", name)
				}
			}()
			build()
		})
	}
}

// A Core alone (what every tool uses) counts every write: with no server
// and no settler, a new branch and member are in the province's figures
// as soon as the writes answer. And it starts nothing beside its work.
func TestCoreCountsWithoutAServer(t *testing.T) {
	ctx := context.Background()
	before := app.Started()
	cfg := app.Defaults()
	cfg.DataDir = t.TempDir()
	c, err := app.OpenCore(ctx, cfg, logging.New(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sys := access.System("test")
	root, err := c.Units.Get(ctx, sys, units.RootID)
	if err != nil {
		t.Fatal(err)
	}
	prov := mustCreate(t, c, root, units.Province, "01")
	commune := mustCreate(t, c, prov, units.Commune, "00004")
	branch := mustCreate(t, c, commune, units.Branch, "CH1")
	if _, err := c.Members.Create(ctx, sys, branch.ID, members.Input{
		FullName: "Nguyễn Thị Lan", Gender: members.Female, BirthDate: civil.Date{Year: 1980, Month: 3, Day: 4},
		JoinedOn: civil.Date{Year: 2020, Month: 1, Day: 2},
	}); err != nil {
		t.Fatal(err)
	}
	r, err := c.Rollups.Rollup(ctx, sys, prov.ID, civil.Date{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Totals.ActiveMembers != 1 || r.Totals.Female != 1 || r.Totals.Branches != 1 {
		t.Errorf("the province counts %+v, want one active woman in one branch", r.Totals)
	}
	if after := app.Started(); !maps.Equal(before, after) {
		t.Errorf("a Core started %v (before %v)", after, before)
	}
}

func mustCreate(t *testing.T, c *app.Core, parent *units.Unit, level units.Level, code string) *units.Unit {
	t.Helper()
	u, err := c.Units.Create(context.Background(), access.System("test"), parent.ID, units.NewUnit{Level: level, Name: "Đơn vị " + code, Code: code})
	if err != nil {
		t.Fatal(err)
	}
	return u
}
