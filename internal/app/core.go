package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/audit/trail"
	"github.com/sohoi/sohoi/internal/idempotency"
	"github.com/sohoi/sohoi/internal/importjobs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/records"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/units"
	"github.com/sohoi/sohoi/policies"
)

// Core is the store and the services on it: everything a write goes
// through, and all that a command-line tool needs. It starts nothing: no
// listener, no background job (Server adds those), so a tool built on it
// does its own work and no more.
//
// Each service is built by its constructor, in dependency order, from the
// ones before it: the tree, the counters that walk it, then the services
// that count through those counters (none can be built without them).
type Core struct {
	Config Config
	Log    *slog.Logger
	Store  Store
	Now    func() time.Time

	Tree     *units.Tree         // the tree as stored, for the counters
	Rollups  *rollups.Service    // the counters: every counted write marks and settles through it
	Units    *units.Service      // counts through Rollups
	Members  *members.Service    // counts through Rollups
	Officers *officers.Service   // counts through Rollups; names from Members
	Imports  *importjobs.Service // writes through Members, in batches
	Records  *records.Service    // issue 20: learning models, evidence, the fund, scholarships; counts through Rollups
	Authz    *access.Authorizer
	Users    *access.Users
	Keys     *idempotency.Keys // the Idempotency-Key of creates
	// Audit records every write of the services above with its entry, and
	// every read or export of personal data (the imports and restructure
	// jobs record through it too: Log.Change around each store write).
	Audit *audit.Recorder
	Trail *trail.Service // the trail as callers see it, and its check

	// registry holds the application metrics the services' stores report
	// to; a Server serves it at /metrics, a tool leaves it unread.
	registry *prometheus.Registry
	metrics  *appMetrics
}

// OpenCore opens the configured store (MongoDB or the embedded one, with
// its migrations) and builds the Core on it.
func OpenCore(ctx context.Context, cfg Config, log *slog.Logger) (*Core, error) {
	store, kind, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("opening the store: %w", err)
	}
	log.Info("store ready", "store", kind)
	if f, ok := store.(interface{ FixedModes() []string }); ok {
		for _, file := range f.FixedModes() {
			log.Warn("made a database file readable by its owner only (0600)", "file", file)
		}
	}
	c, err := NewCore(ctx, cfg, log, store)
	if err != nil {
		return nil, errors.Join(err, store.Close())
	}
	return c, nil
}

// NewCore builds the services on an open store (OpenCore opens the
// configured one; tests pass a store of their own, for instance one that
// fails on purpose) and makes sure the root unit exists. Close closes the
// store.
func NewCore(ctx context.Context, cfg Config, log *slog.Logger, store Store) (*Core, error) {
	c := &Core{Config: cfg, Log: log, Store: store, Now: time.Now, registry: prometheus.NewRegistry()}
	if cfg.Clock != nil {
		c.Now = cfg.Clock
	}
	c.metrics = newAppMetrics(c.registry)

	policy, err := access.LoadPolicy(policies.Model, policies.Policy)
	if err != nil {
		return nil, err
	}
	c.Authz = access.NewAuthorizer(policy)

	c.Tree = units.NewTree(store)
	opts := []rollups.Option{
		rollups.WithJobObserver(c.metrics.jobRan),
		rollups.WithPastDayLimits(rollups.PastDayLimits{Workers: cfg.PastDayWorkers, Wait: cfg.PastDayWait}),
		rollups.WithRecords(store), // issue 20: recognitions, the fund, awards
	}
	if ms, ok := store.(rollups.MovementStore); ok { // issue 15.3: past days from movements
		// The metrics wrapper below hides the store's other methods.
		opts = append(opts, rollups.WithMovements(ms))
	}
	c.Rollups = rollups.NewService(counterStore{store, c.metrics}, c.Tree, store, log, c.Now, opts...)
	c.Audit = audit.NewRecorder(store, auditObjects{store}, c.Now)
	c.Units = units.NewService(store, c.Rollups, members.ActiveRoll(store), c.Audit, c.Now)
	c.Users = access.NewUsers(store, store, c.Units, c.Authz, c.Audit, c.Now)
	c.Members = members.NewService(memberStore{store, c.metrics}, c.Units, c.Users, c.Rollups, c.Audit, c.Now)
	c.Officers = officers.NewService(store, c.Units, c.Rollups, c.Members, c.Audit, c.Now)
	c.Records = records.NewService(store, c.Units, c.Members, c.Rollups, c.Rollups, c.Audit, c.Now)
	c.Trail = trail.NewService(store, c.Units, auditObjects{store}, c.Now)
	c.Keys = idempotency.New(store, c.Now)
	c.Imports = importjobs.NewService(store, store, c.Units, c.Members, jobCallers{store, c.Authz}, c.Audit, c.Now)

	// Every command works below the root: the first one on a new store
	// makes it.
	if _, err := c.Units.EnsureRoot(ctx, access.System("bootstrap"), cfg.RootName, "VN"); err != nil {
		return nil, fmt.Errorf("creating the root unit: %w", err)
	}
	return c, nil
}

// jobCallers makes the caller an import job runs as: the user who asked
// for it, with the grants the user holds when it runs.
type jobCallers struct {
	users interface {
		GetUser(ctx context.Context, id string) (*access.User, error)
	}
	authz *access.Authorizer
}

func (j jobCallers) CallerOf(ctx context.Context, userID string) (*access.Caller, error) {
	u, err := j.users.GetUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	return j.authz.Caller(u), nil
}

// Close releases the store.
func (c *Core) Close() error { return c.Store.Close() }
