package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/httpapi"
	"github.com/sohoi/sohoi/internal/logging"
)

const serveUsage = `usage: sohoi serve [flags]

Runs the API server until SIGINT or SIGTERM, then finishes the requests
under way and stops. Configuration comes from SOHOI_* environment variables
(README.md, "Configuration"); the flags below override them.`

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommand("serve", serveUsage, stdout, stderr)
	if err := c.withStore(getenv); err != nil {
		return err
	}
	c.fs.StringVar(&c.cfg.Addr, "addr", c.cfg.Addr, "listen address (SOHOI_ADDR)")
	if err := c.parse(args); err != nil {
		return err
	}
	cfg := c.cfg
	log := logging.New(stderr, cfg.LogLevel)
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()

	ln, err := httpapi.Listen(cfg.Addr, cfg.MaxConnections, cfg.TrustedProxies)
	if err != nil {
		return err
	}
	srv := httpapi.NewServer(a.Handler)
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "max_connections", cfg.MaxConnections)

	// /metrics on a listener of its own, typically reachable only from
	// the monitoring network.
	var metricsSrv *http.Server
	if cfg.MetricsAddr != "" {
		mln, err := httpapi.Listen(cfg.MetricsAddr, 16, nil)
		if err != nil {
			_ = srv.Close()
			return fmt.Errorf("metrics listener: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", a.Metrics)
		metricsSrv = httpapi.NewServer(mux)
		go func() { errc <- metricsSrv.Serve(mln) }()
		log.Info("serving metrics", "addr", mln.Addr().String())
	}

	// Go's profiles, to find where the time goes under real load (README,
	// "Load test"); never on the API's address: they reveal internals.
	var pprofSrv *http.Server
	if cfg.PprofAddr != "" {
		pln, err := httpapi.Listen(cfg.PprofAddr, 4, nil)
		if err != nil {
			_ = srv.Close()
			return fmt.Errorf("pprof listener: %w", err)
		}
		pprofSrv = httpapi.NewProfileServer()
		go func() { errc <- pprofSrv.Serve(pln) }()
		log.Info("serving profiles", "addr", pln.Addr().String())
	}

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Stop accepting, let in-flight requests finish, then close the store
	// (deferred above).
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if metricsSrv != nil {
		_ = metricsSrv.Shutdown(shutdownCtx)
	}
	if pprofSrv != nil {
		_ = pprofSrv.Close()
	}
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}
