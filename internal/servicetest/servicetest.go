// Package servicetest wires the domain services on a real embedded store
// (SQLite in a temporary directory) for the services' own tests: the
// scope table and the tests of officers and rollups call the services as
// an import or a restructure job will, with no HTTP in between and never
// a mock store. It is imported by tests only.
package servicetest

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/audit/trail"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/importjobs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/records"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/store/sqlite"
	"github.com/sohoi/sohoi/internal/units"
)

// Sys is the system caller the tests set data up with.
var Sys = access.System("test setup")

// Services are the domain services on one store (the embedded one unless
// OpenOn was given another).
type Services struct {
	// Store is the store the services run on; DB is the same store when it
	// is the embedded one (Open), else nil.
	Store    app.Store
	DB       *sqlite.DB
	Authz    *access.Authorizer
	Units    *units.Service
	Users    *access.Users
	Members  *members.Service
	Officers *officers.Service
	Records  *records.Service
	Rollups  *rollups.Service
	Trail    *trail.Service
	Imports  *importjobs.Service
	Audit    *audit.Recorder // the Log every service writes through
	Now      func() time.Time
}

// Open wires the services on a fresh embedded store, closed when t ends.
// Counting settles at once after each write (no background settler), so
// that a test reads exact figures as soon as a write has answered.
func Open(t testing.TB) *Services {
	t.Helper()
	db, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	s := OpenOn(t, db)
	s.DB = db
	return s
}

// OpenOn wires the services on store (fresh and migrated; the caller
// closes it), as Open does on the embedded one: a scenario written
// against Services runs on MongoDB too.
func OpenOn(t testing.TB, store app.Store) *Services {
	t.Helper()
	// The services as every command builds them (app.Core): counting is
	// theirs, settled at once after each write as no settler is started.
	cfg := app.Defaults()
	cfg.RootName = "Trung ương Hội"
	core, err := app.NewCore(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), store)
	if err != nil {
		t.Fatal(err)
	}
	return &Services{Store: store, Authz: core.Authz, Units: core.Units, Users: core.Users, Members: core.Members,
		Officers: core.Officers, Records: core.Records, Rollups: core.Rollups, Trail: core.Trail, Audit: core.Audit, Imports: core.Imports, Now: core.Now}
}

// Unit makes a unit under parent.
func (s *Services) Unit(t testing.TB, parentID string, level units.Level, code string) *units.Unit {
	t.Helper()
	u, err := s.Units.Create(context.Background(), Sys, parentID, units.NewUnit{Level: level, Name: "Đơn vị " + code, Code: code})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Member adds an active member to a branch, joined a year ago.
func (s *Services) Member(t testing.TB, branchID, name string) *members.Member {
	t.Helper()
	today := civil.Today(s.Now())
	m, err := s.Members.Create(context.Background(), Sys, branchID, members.Input{FullName: name, Gender: members.Female,
		BirthDate: civil.Date{Year: 1980, Month: 5, Day: 17}, JoinedOn: today.AddDays(-365)})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Caller is a stored user holding role on unit u, as a signed-in caller.
func (s *Services) Caller(t testing.TB, role access.Role, u *units.Unit) *access.Caller {
	t.Helper()
	usr := &access.User{ID: ids.New(), Username: "u" + ids.New(), DisplayName: "Cán bộ",
		Grants: []access.Grant{{Role: role, UnitID: u.ID, Path: u.Path}}, Version: 1,
		CreatedAt: s.Now(), UpdatedAt: s.Now()}
	if err := s.Store.CreateUser(context.Background(), usr); err != nil {
		t.Fatal(err)
	}
	return s.Authz.Caller(usr)
}
