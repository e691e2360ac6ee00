package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/sohoi/sohoi/internal/httpapi"
)

// Serve listens on Config.Addr (and Config.MetricsAddr, when set) and
// serves until ctx ends, then stops accepting and lets the requests under
// way finish (for up to 30 seconds). The caller closes s afterwards.
func (s *Server) Serve(ctx context.Context) error {
	cfg, log := s.Config, s.Log
	ln, err := httpapi.Listen(cfg.Addr, cfg.MaxConnections, cfg.TrustedProxies)
	if err != nil {
		return err
	}
	noteStarted(StartedHTTP)
	srv := httpapi.NewServer(s.Handler)
	errc := make(chan error, 3)
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
		noteStarted(StartedMetricsHTTP)
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", s.Metrics)
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
