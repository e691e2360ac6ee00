package mongo_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/rollups"
	store "github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/units"
)

// services are the domain services over db as the server wires them, on
// a clock of the test's, for tests that go through the services rather
// than the store alone.
func services(db *store.DB, now func() time.Time) (*rollups.Service, *units.Service, *members.Service) {
	rs := rollups.NewService(db, units.NewTree(db), db, slog.New(slog.NewTextHandler(io.Discard, nil)), now)
	us := units.NewService(db, rs, members.ActiveRoll(db), audit.NewRecorder(db, nil, now), now)
	return rs, us, members.NewService(db, us, nil, rs, audit.NewRecorder(db, nil, now), now)
}

// unitMaker makes the root and returns it with a function that creates a
// unit under a parent, named after its code, failing the test on error.
func unitMaker(t *testing.T, ctx context.Context, us *units.Service) (*units.Unit, func(parent *units.Unit, level units.Level, code string) *units.Unit) {
	t.Helper()
	sys := access.System("test")
	root, err := us.EnsureRoot(ctx, sys, "Trung ương", "VN")
	if err != nil {
		t.Fatal(err)
	}
	return root, func(parent *units.Unit, level units.Level, code string) *units.Unit {
		t.Helper()
		u, err := us.Create(ctx, sys, parent.ID, units.NewUnit{Level: level, Name: "Đơn vị " + code, Code: code})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
}
