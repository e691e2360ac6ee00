package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/sohoi/sohoi/api"
	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/httpapi"
)

// Server is a Core with what only the server needs: the bootstrap (a
// signing key, the first administrator), logins, the HTTP handler, and the
// background jobs (the settler, the month close, the refresh-token purge,
// the import jobs).
// Command-line tools use a Core alone.
type Server struct {
	*Core
	Auth    *access.Auth
	Handler http.Handler
	// Metrics serves /metrics; the main Handler serves it too unless
	// Config.MetricsAddr puts it on a listener of its own (Serve).
	Metrics http.Handler

	stops []func() // background work, stopped by Close
}

// New opens the configured store and builds a Server on it, its
// background jobs running.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*Server, error) {
	c, err := OpenCore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	return serverOrClose(ctx, c)
}

// Build is New on an open store (tests pass a store of their own, for
// instance one that fails on purpose).
func Build(ctx context.Context, cfg Config, log *slog.Logger, store Store) (*Server, error) {
	c, err := NewCore(ctx, cfg, log, store)
	if err != nil {
		return nil, err
	}
	return serverOrClose(ctx, c)
}

func serverOrClose(ctx context.Context, c *Core) (*Server, error) {
	s, err := NewServer(ctx, c)
	if err != nil {
		return nil, errors.Join(err, c.Close())
	}
	return s, nil
}

// NewServer makes sure a signing key and the first administrator exist,
// builds the handler on c, and starts the background jobs. Close stops
// them and closes c.
func NewServer(ctx context.Context, c *Core) (*Server, error) {
	cfg, log := c.Config, c.Log
	s := &Server{Core: c}
	keys, err := access.LoadKeys(ctx, c.Store, c.Now())
	if err != nil {
		return nil, fmt.Errorf("loading signing keys: %w", err)
	}
	tokens := access.NewTokens(access.TokenConfig{Issuer: cfg.TokenIssuer, Audience: cfg.TokenAudience, TTL: cfg.AccessTTL}, keys, c.Now)
	s.Auth = access.NewAuth(access.AuthConfig{RefreshTTL: cfg.RefreshTTL, Limits: cfg.LoginLimits, Authz: c.Authz}, c.Store, c.Store, tokens, c.Now)
	if err := s.ensureAdmin(ctx); err != nil {
		return nil, err
	}
	// Audit entries a crash left pending (MongoDB) are settled against
	// the stored objects before the server takes writes; another instance
	// may be writing, so only those older than the grace are judged.
	if n, err := c.Trail.Recover(ctx, c.Now().Add(-audit.Grace)); err != nil {
		return nil, fmt.Errorf("recovering the audit trail: %w", err)
	} else if n > 0 {
		log.Warn("settled audit entries a crash left pending", "entries", n)
	}

	c.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.Metrics = httpapi.MetricsHandler(c.registry)
	s.Handler, err = httpapi.New(httpapi.Deps{
		Log: log, Units: c.Units, Auth: s.Auth, Users: c.Users, Ping: c.Store.Ping,
		Members: c.Members, Officers: c.Officers, Records: c.Records, Rollups: c.Rollups, Idempotency: c.Keys, Trail: c.Trail, Imports: c.Imports,
		CORSOrigins: cfg.CORSOrigins, TrustedProxies: cfg.TrustedProxies, OpenAPI: api.OpenAPI, Metrics: c.registry,
		MetricsElsewhere: cfg.MetricsAddr != "",
	})
	if err != nil {
		return nil, err
	}
	s.startJobs()
	return s, nil
}

// ensureAdmin creates the first administrator on a store that has none.
func (s *Server) ensureAdmin(ctx context.Context) error {
	created, generated, err := s.Users.EnsureAdmin(ctx, s.Config.AdminPassword)
	if err != nil {
		return fmt.Errorf("creating the first administrator: %w", err)
	}
	switch {
	case created && generated != "":
		// Shown once: this is the only way to learn a generated password.
		s.Log.Warn("created the first administrator with a generated password; change it after signing in",
			"username", "admin", "password", generated)
	case created:
		s.Log.Info("created the first administrator from SOHOI_ADMIN_PASSWORD", "username", "admin")
	}
	return nil
}

// startJobs starts the server's background work: the settler (with the
// month close when configured) and the hourly purge of expired refresh
// tokens and idempotency keys, and the settling of audit entries a crash left pending.
func (s *Server) startJobs() {
	noteStarted(StartedSettler)
	if s.Config.CloseMonths {
		noteStarted(StartedMonthClose)
	}
	s.stops = append(s.stops, s.Rollups.StartSettling(s.Config.CountInBackground, s.Config.CloseMonths))
	noteStarted(StartedImports)
	s.stops = append(s.stops, s.Imports.Start(s.Log))
	noteStarted(StartedPurgeRefresh)
	s.stops = append(s.stops, every(time.Hour, func(ctx context.Context) {
		start := time.Now()
		n, err := s.Auth.PurgeExpired(ctx)
		if ctx.Err() == nil {
			s.metrics.jobRan(jobPurgeRefreshTokens, time.Since(start), err)
		}
		if err != nil && ctx.Err() == nil {
			s.Log.WarnContext(ctx, "purging expired refresh tokens failed", "err", err)
		} else if n > 0 {
			s.Log.InfoContext(ctx, "purged expired refresh tokens", "count", n)
		}
		start = time.Now()
		n, err = s.Keys.PurgeExpired(ctx)
		if ctx.Err() == nil {
			s.metrics.jobRan(jobPurgeIdempotencyKeys, time.Since(start), err)
		}
		if err != nil && ctx.Err() == nil {
			s.Log.WarnContext(ctx, "purging expired idempotency keys failed", "err", err)
		} else if n > 0 {
			s.Log.InfoContext(ctx, "purged expired idempotency keys", "count", n)
		}
	}))
	// Entries a crashed writer of another instance left pending (MongoDB)
	// hold back the sealing of the chain until settled: settle them now
	// and then rather than at the next start. On SQLite it is one query.
	noteStarted(StartedAuditRepair)
	s.stops = append(s.stops, every(5*time.Minute, func(ctx context.Context) {
		if n, err := s.Trail.Recover(ctx, time.Now().Add(-audit.Grace)); err != nil && ctx.Err() == nil {
			s.Log.WarnContext(ctx, "settling pending audit entries failed", "err", err)
		} else if n > 0 {
			s.Log.WarnContext(ctx, "settled audit entries a crashed writer left pending", "entries", n)
		}
	}))
}

// Close stops the background jobs and closes the Core.
func (s *Server) Close() error {
	for _, stop := range s.stops {
		stop()
	}
	return s.Core.Close()
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
