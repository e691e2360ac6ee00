package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/sohoi/sohoi/api"
	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/httpapi"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/units"
	"github.com/sohoi/sohoi/policies"
)

// App is a running sohoi: its store, services and HTTP handler.
type App struct {
	Config   Config
	Log      *slog.Logger
	Store    Store
	Units    *units.Service
	Authz    *access.Authorizer
	Auth     *access.Auth
	Users    *access.Users
	Members  *members.Service
	Officers *officers.Service
	Rollups  *rollups.Service
	Handler  http.Handler
	// Metrics serves /metrics; the main Handler serves it too unless
	// Config.MetricsAddr puts it on a listener of its own.
	Metrics http.Handler
	Now     func() time.Time

	stops []func() // background work, stopped by Close
}

// New opens the store, makes sure the root unit, a signing key and the
// first administrator exist, and builds the handler.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
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
	a, err := Build(ctx, cfg, log, store)
	if err != nil {
		return nil, errors.Join(err, store.Close())
	}
	return a, nil
}

// Build makes an App on an open store (New opens the configured one; tests
// pass a store of their own, for instance one that fails on purpose).
func Build(ctx context.Context, cfg Config, log *slog.Logger, store Store) (*App, error) {
	a := &App{Config: cfg, Log: log, Store: store, Now: time.Now}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	observed := newAppMetrics(reg)
	a.Units = units.NewService(store, a.Now)
	if _, err := a.Units.EnsureRoot(ctx, access.System("bootstrap"), cfg.RootName, "VN"); err != nil {
		return nil, fmt.Errorf("creating the root unit: %w", err)
	}
	policy, err := access.LoadPolicy(policies.Model, policies.Policy)
	if err != nil {
		return nil, err
	}
	a.Authz = access.NewAuthorizer(policy)
	keys, err := access.LoadKeys(ctx, store, a.Now())
	if err != nil {
		return nil, fmt.Errorf("loading signing keys: %w", err)
	}
	tokens := access.NewTokens(access.TokenConfig{Issuer: cfg.TokenIssuer, Audience: cfg.TokenAudience, TTL: cfg.AccessTTL}, keys, a.Now)
	a.Auth = access.NewAuth(access.AuthConfig{RefreshTTL: cfg.RefreshTTL, Limits: cfg.LoginLimits, Authz: a.Authz}, store, store, tokens, a.Now)
	a.Users = access.NewUsers(store, store, a.Units, a.Authz, a.Now)
	a.Members = members.NewService(memberStore{store, observed}, a.Units, a.Users, a.Now)
	a.Officers = officers.NewService(store, a.Units, a.Now)
	a.Rollups = rollups.NewService(counterStore{store, observed}, a.Units, store, log, a.Now)
	if ms, ok := store.(rollups.MovementStore); ok { // issue 15.3: past days from movements
		a.Rollups.UseMovements(ms)
	}
	a.Rollups.ObserveJobs(observed.jobRan)
	a.Rollups.SetPastDayLimits(rollups.PastDayLimits{Workers: cfg.PastDayWorkers, Wait: cfg.PastDayWait})
	a.Units.SetCounts(a.Rollups)
	a.Members.SetCounts(a.Rollups)
	a.Officers.SetCounts(a.Rollups)
	a.Officers.SetNames(a.Members)
	created, generated, err := a.Users.EnsureAdmin(ctx, cfg.AdminPassword)
	if err != nil {
		return nil, fmt.Errorf("creating the first administrator: %w", err)
	}
	switch {
	case created && generated != "":
		// Shown once: this is the only way to learn a generated password.
		log.Warn("created the first administrator with a generated password; change it after signing in",
			"username", "admin", "password", generated)
	case created:
		log.Info("created the first administrator from SOHOI_ADMIN_PASSWORD", "username", "admin")
	}
	a.Metrics = httpapi.MetricsHandler(reg)
	a.Handler, err = httpapi.New(httpapi.Deps{
		Log: log, Units: a.Units, Auth: a.Auth, Users: a.Users, Ping: store.Ping,
		Members: a.Members, Officers: a.Officers, Rollups: a.Rollups,
		CORSOrigins: cfg.CORSOrigins, TrustedProxies: cfg.TrustedProxies, OpenAPI: api.OpenAPI, Metrics: reg,
		MetricsElsewhere: cfg.MetricsAddr != "",
	})
	if err != nil {
		return nil, err
	}
	a.stops = append(a.stops, a.Rollups.StartSettling(cfg.CountInBackground, cfg.CloseMonths), every(time.Hour, func(ctx context.Context) {
		start := time.Now()
		n, err := a.Auth.PurgeExpired(ctx)
		if ctx.Err() == nil {
			observed.jobRan(jobPurgeRefreshTokens, time.Since(start), err)
		}
		if err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "purging expired refresh tokens failed", "err", err)
		} else if n > 0 {
			log.InfoContext(ctx, "purged expired refresh tokens", "count", n)
		}
	}))
	return a, nil
}

// Close stops the background counting and releases the store.
func (a *App) Close() error {
	for _, stop := range a.stops {
		stop()
	}
	return a.Store.Close()
}

// every runs fn now and then at each interval until the returned stop.
func every(interval time.Duration, fn func(context.Context)) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			fn(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() { cancel(); <-done }
}
