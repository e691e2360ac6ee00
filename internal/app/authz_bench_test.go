package app_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/counting"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/store/sqlite"
	"github.com/sohoi/sohoi/internal/units"
	"github.com/sohoi/sohoi/internal/units/vnadmin"
	"github.com/sohoi/sohoi/policies"
)

// authzFixture is the whole country (10,806 units) and 100,000 grants
// (25,000 users × 4 grants on random units) in a real embedded store.
type authzFixture struct {
	db    *sqlite.DB
	authz *access.Authorizer
	users []string
	units []*units.Unit
}

var (
	fixtureOnce sync.Once
	fixture     *authzFixture
	fixtureErr  error
)

const (
	benchUsers         = 25_000
	benchGrantsPerUser = 4
)

func loadAuthzFixture(b *testing.B) *authzFixture {
	fixtureOnce.Do(func() { fixture, fixtureErr = buildAuthzFixture() })
	if fixtureErr != nil {
		b.Fatal(fixtureErr)
	}
	return fixture
}

func buildAuthzFixture() (*authzFixture, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "sohoi-authz-bench")
	if err != nil {
		return nil, err
	}
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	svc := units.NewService(db, counting.Uncounted, members.ActiveRoll(db), audit.Unrecorded, time.Now) // benchmarks of reads: no counters kept
	root, err := svc.EnsureRoot(ctx, access.System("bench"), "Trung ương Hội", "VN")
	if err != nil {
		return nil, err
	}
	f, err := vnadmin.Open(vnadmin.Before2025Reform)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	areas, err := units.ParseAdminAreas(f, "")
	if err != nil {
		return nil, err
	}
	if _, err := svc.Seed(ctx, access.System("bench"), root, areas, nil); err != nil {
		return nil, err
	}
	fx := &authzFixture{db: db}
	var walk func(u *units.Unit) error
	walk = func(u *units.Unit) error {
		fx.units = append(fx.units, u)
		res, err := db.ListChildren(ctx, u.ID, pageAll)
		if err != nil {
			return err
		}
		for _, c := range res.Items {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	roles := []access.Role{access.Manager, access.Editor, access.Viewer, access.Reporter}
	now := time.Now().UTC()
	for i := range benchUsers {
		u := &access.User{ID: ids.New(), Username: fmt.Sprintf("user%06d", i), DisplayName: "x", PasswordHash: "x", Version: 1, CreatedAt: now, UpdatedAt: now}
		for range benchGrantsPerUser {
			unit := fx.units[1+rng.IntN(len(fx.units)-1)]
			u.Grants = append(u.Grants, access.Grant{Role: roles[rng.IntN(len(roles))], UnitID: unit.ID, Path: unit.Path})
		}
		if err := db.CreateUser(ctx, u); err != nil {
			return nil, err
		}
		fx.users = append(fx.users, u.ID)
	}
	policy, err := access.LoadPolicy(policies.Model, policies.Policy)
	if err != nil {
		return nil, err
	}
	fx.authz = access.NewAuthorizer(policy)
	return fx, nil
}

// BenchmarkAuthorize measures the authorisation check with 100,000 grants
// in the database, on requests drawn at random (no warm memo flatters it):
//
//   - decision: the check itself, given the caller's scope (built once per
//     request) and the target's path (carried by the target).
//   - request: everything a request pays for it: load the caller and its
//     grants, load the target unit, decide.
func BenchmarkAuthorize(b *testing.B) {
	fx := loadAuthzFixture(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	type req struct {
		scope *access.Scope
		path  []string
	}
	reqs := make([]req, 4096)
	for i := range reqs {
		u, err := fx.db.GetUser(ctx, fx.users[rng.IntN(len(fx.users))])
		if err != nil {
			b.Fatal(err)
		}
		reqs[i] = req{access.NewScope(u.ID, u.Grants), fx.units[rng.IntN(len(fx.units))].Path}
	}
	// The oracle: a brute-force answer for each request, checked every
	// iteration so that a fast wrong answer cannot pass.
	want := make([]bool, len(reqs))
	for i, r := range reqs {
		for _, g := range r.scope.Grants {
			for _, id := range r.path {
				if id == g.UnitID && g.Role != access.Reporter && g.Role != access.Viewer {
					want[i] = true
				}
			}
		}
	}
	b.Run("decision", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			r := reqs[i%len(reqs)]
			if fx.authz.Allowed(r.scope, r.path, access.ObjMember, access.Write) != want[i%len(reqs)] {
				b.Fatalf("wrong answer for request %d", i%len(reqs))
			}
			i++
		}
	})
	b.Run("request", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			u, err := fx.db.GetUser(ctx, fx.users[rng.IntN(len(fx.users))])
			if err != nil {
				b.Fatal(err)
			}
			target, err := fx.db.GetUnit(ctx, fx.units[rng.IntN(len(fx.units))].ID)
			if err != nil {
				b.Fatal(err)
			}
			_ = fx.authz.Allowed(access.NewScope(u.ID, u.Grants), target.Path, access.ObjMember, access.Write)
		}
	})
}
