package servicetest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/importjobs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/servicetest"
	"github.com/sohoi/sohoi/internal/units"
)

// rank orders the roles: each holds everything of the roles below it.
var rank = map[access.Role]int{access.Reporter: 1, access.Viewer: 2, access.Editor: 3, access.Manager: 4, access.Admin: 5}

// target is where a call acts, as seen from a grant on commune C1: its own
// unit, a child of it, a sibling commune, a commune of another province.
// unit is where unit, officer and rollup calls act; branch is where member
// calls act (members belong to branches).
type target struct {
	name    string
	unit    *units.Unit
	branch  *units.Unit
	inScope bool
}

// call is one service method, called by c at t; need is the lowest role
// that may make it.
type call struct {
	name string
	need access.Role
	do   func(ctx context.Context, c *access.Caller, t target) error
}

func TestEveryServiceMethodDecidesScopeAndRole(t *testing.T) {
	s := servicetest.Open(t)
	ctx := context.Background()
	p := s.Unit(t, units.RootID, units.Province, "34")
	d := s.Unit(t, p.ID, units.District, "336")
	c1 := s.Unit(t, d.ID, units.Commune, "12436")
	b1 := s.Unit(t, c1.ID, units.Branch, "CH01")
	b1b := s.Unit(t, c1.ID, units.Branch, "CH02")
	c2 := s.Unit(t, d.ID, units.Commune, "12437")
	b2 := s.Unit(t, c2.ID, units.Branch, "CH01")
	q := s.Unit(t, units.RootID, units.Province, "33")
	cq := s.Unit(t, s.Unit(t, q.ID, units.District, "323").ID, units.Commune, "12100")
	bq := s.Unit(t, cq.ID, units.Branch, "CH01")
	targets := []target{
		{"own unit", c1, b1, true},
		{"child", b1, b1, true},
		{"sibling", c2, b2, false},
		{"other province", cq, bq, false},
	}

	// post makes a post at u for the calls that need one.
	post := func(t *testing.T, u *units.Unit) *officers.Post {
		o, err := s.Officers.Create(ctx, servicetest.Sys, u.ID, "", officers.Input{FullName: "Trần Văn Bình",
			Position: officers.Committee, From: civil.Date{Year: 2024, Month: 1, Day: 1}})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	today := civil.Today(s.Now())
	name := "Lê Thị Hoa"
	made := 0 // units created, for codes unique among siblings
	calls := []call{
		{"units.Get", access.Reporter, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Units.Get(ctx, c, tg.unit.ID)
			return err
		}},
		{"units.PathOf", access.Reporter, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Units.PathOf(ctx, c, tg.unit.ID)
			return err
		}},
		{"units.Children", access.Reporter, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Units.Children(ctx, c, tg.unit.ID, page.Request{Limit: 10})
			return err
		}},
		{"units.ChildByCode", access.Reporter, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Units.ChildByCode(ctx, c, tg.unit.ParentID, tg.unit.Code)
			return err
		}},
		{"units.Create", access.Manager, func(ctx context.Context, c *access.Caller, tg target) error {
			made++
			_, err := s.Units.Create(ctx, c, tg.unit.ID, units.NewUnit{Level: units.Branch, Name: "Chi hội mới", Code: fmt.Sprintf("N%03d", made)})
			return err
		}},
		{"units.Update", access.Manager, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Units.Update(ctx, c, tg.unit.ID, units.Patch{Name: &tg.unit.Name}, 0)
			return err
		}},
		{"units.Seed", access.Manager, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Units.Seed(ctx, c, tg.unit, nil, nil)
			return err
		}},
		{"members.Create", access.Editor, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Members.Create(ctx, c, tg.branch.ID, members.Input{FullName: name, BirthDate: civil.Date{Year: 1990, Month: 1, Day: 2}})
			return err
		}},
		{"members.Export", access.Viewer, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Members.Export(ctx, c, tg.unit.ID, nil)
			return err
		}},
		{"members.Template", access.Editor, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Members.Template(ctx, c, tg.unit.ID)
			return err
		}},
		{"units.Branches", access.Reporter, func(ctx context.Context, c *access.Caller, tg target) error {
			_, _, err := s.Units.Branches(ctx, c, tg.unit.ID, access.ObjUnit, access.Read)
			return err
		}},
		{"members.Get", access.Viewer, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Members.Get(ctx, c, s.Member(t, tg.branch.ID, name).ID)
			return err
		}},
		{"members.Update", access.Editor, func(ctx context.Context, c *access.Caller, tg target) error {
			phone := "0912345678"
			_, err := s.Members.Update(ctx, c, s.Member(t, tg.branch.ID, name).ID, members.Patch{Phone: &phone}, 0)
			return err
		}},
		{"members.Transfer out", access.Editor, func(ctx context.Context, c *access.Caller, tg target) error {
			to := b1b
			if tg.branch.ID == b1b.ID {
				to = b1
			}
			_, err := s.Members.Transfer(ctx, c, s.Member(t, tg.branch.ID, name).ID, to.ID, today)
			return err
		}},
		{"members.Leave", access.Editor, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Members.Leave(ctx, c, s.Member(t, tg.branch.ID, name).ID, members.Left, today, "")
			return err
		}},
		{"members.History", access.Viewer, func(ctx context.Context, c *access.Caller, tg target) error {
			_, _, err := s.Members.History(ctx, c, s.Member(t, tg.branch.ID, name).ID, page.Request{Limit: 10})
			return err
		}},
		{"members.NameOf", access.Viewer, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Members.NameOf(ctx, c, s.Member(t, tg.branch.ID, name).ID)
			return err
		}},
		{"members.List", access.Viewer, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Members.List(ctx, c, tg.unit.ID, "", members.Query{Page: page.Request{Limit: 10}})
			return err
		}},
		{"imports.Run", access.Editor, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Imports.Run(ctx, c, importjobs.Request{UnitID: tg.unit.ID, DryRun: true}, strings.NewReader("Họ và tên,Chi hội\nAn,CH01\n"), nil)
			return err
		}},
		{"officers.List", access.Viewer, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Officers.List(ctx, c, tg.unit.ID, false)
			return err
		}},
		{"officers.Create", access.Editor, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Officers.Create(ctx, c, tg.unit.ID, "", officers.Input{FullName: "Phạm Thị Lan", Position: officers.Committee, From: today})
			return err
		}},
		{"officers.Get", access.Viewer, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Officers.Get(ctx, c, post(t, tg.unit).ID)
			return err
		}},
		{"officers.Update", access.Editor, func(ctx context.Context, c *access.Caller, tg target) error {
			label := "2022-2027"
			_, err := s.Officers.Update(ctx, c, post(t, tg.unit).ID, officers.Patch{TermLabel: &label}, 0)
			return err
		}},
		{"officers.Delete", access.Editor, func(ctx context.Context, c *access.Caller, tg target) error {
			return s.Officers.Delete(ctx, c, post(t, tg.unit).ID)
		}},
		{"rollups.Rollup", access.Reporter, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Rollups.Rollup(ctx, c, tg.unit.ID, civil.Date{})
			return err
		}},
		{"rollups.PeriodReport", access.Reporter, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Rollups.PeriodReport(ctx, c, tg.unit.ID, today.AddDays(-30), today)
			return err
		}},
		{"rollups.Reconcile", access.Admin, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Rollups.Reconcile(ctx, c, tg.unit)
			return err
		}},
		{"rollups.CloseMonth", access.Admin, func(ctx context.Context, c *access.Caller, tg target) error {
			_, err := s.Rollups.CloseMonth(ctx, c, tg.unit, civil.Date{Year: today.Year, Month: today.Month, Day: 1}.AddDays(-1))
			return err
		}},
	}
	calls = append(calls, recordCalls(t, s)...) // issue 20
	// The system may do everything everywhere.
	for _, tg := range targets {
		for _, cl := range calls {
			if err := cl.do(ctx, access.System("scope table"), tg); outcome(err) != "allowed" {
				t.Errorf("system/%s/%s: %v, want allowed", tg.name, cl.name, err)
			}
		}
	}
	for _, role := range access.Roles {
		caller := s.Caller(t, role, c1)
		// The root lies above every grant on the commune.
		if _, err := s.Units.Root(ctx, caller); outcome(err) != "not_found" {
			t.Errorf("%s: units.Root answered %v, want not found", role, err)
		}
		if _, err := s.Units.RootPath(ctx, caller); outcome(err) != "not_found" {
			t.Errorf("%s: units.RootPath answered %v, want not found", role, err)
		}
		if _, err := s.Units.EnsureRoot(ctx, caller, "x", "VN"); outcome(err) != "not_found" {
			t.Errorf("%s: units.EnsureRoot answered %v, want not found", role, err)
		}
		for _, tg := range targets {
			for _, cl := range calls {
				t.Run(fmt.Sprintf("%s/%s/%s", role, tg.name, cl.name), func(t *testing.T) {
					want := "allowed"
					switch {
					case !tg.inScope:
						want = "not_found"
					case rank[role] < rank[cl.need]:
						want = "forbidden"
					}
					err := cl.do(ctx, caller, tg)
					if got := outcome(err); got != want {
						t.Fatalf("got %s (%v), want %s", got, err, want)
					}
				})
			}
		}
	}
}

// outcome classifies an answer: not found (in the same words whatever
// the kind of object, so that nothing tells "elsewhere" from "missing"),
// forbidden, or allowed: done, or refused by a rule of the domain after the
// caller was authorised (creating a unit below a branch, a month end not
// yet past). Anything else is a failure of its own.
func outcome(err error) string {
	var e *errs.Error
	switch {
	case err == nil:
		return "allowed"
	case !errors.As(err, &e):
		return "unexpected"
	case e.Code == errs.NotFound && strings.HasSuffix(e.Detail, " not found") && !strings.ContainsAny(e.Detail, "0123456789"):
		return "not_found"
	case e.Code == errs.Forbidden:
		return "forbidden"
	case e.Code == errs.Validation || e.Code == errs.Conflict:
		return "allowed"
	default:
		return "unexpected"
	}
}

// A nil caller is a bug of the code calling, never anyone's pass.
func TestANilCallerIsRefusedLoudly(t *testing.T) {
	s := servicetest.Open(t)
	defer func() {
		if recover() == nil {
			t.Fatal("a nil caller read the root unit")
		}
	}()
	_, _ = s.Units.Root(context.Background(), nil)
}
