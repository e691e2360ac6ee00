package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/httpapi"
	"github.com/sohoi/sohoi/internal/logging"
)

// config reads the environment, then lets flags override it.
func config(fs *flag.FlagSet, args []string, getenv func(string) string) (app.Config, error) {
	cfg, err := app.FromEnv(getenv)
	if err != nil {
		return cfg, err
	}
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (SOHOI_ADDR)")
	fs.StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "embedded store directory (SOHOI_DATA_DIR)")
	fs.StringVar(&cfg.MongoURI, "mongodb-uri", cfg.MongoURI, "MongoDB URI; empty for the embedded store (SOHOI_MONGODB_URI)")
	fs.StringVar(&cfg.MongoDB, "mongodb-db", cfg.MongoDB, "MongoDB database name (SOHOI_MONGODB_DB)")
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn or error (SOHOI_LOG_LEVEL)")
	return cfg, fs.Parse(args)
}

func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, err := config(fs, args, getenv)
	if err != nil {
		return err
	}
	log := logging.New(stderr, cfg.LogLevel)
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()

	ln, err := httpapi.Listen(cfg.Addr, cfg.MaxConnections)
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
		mln, err := httpapi.Listen(cfg.MetricsAddr, 16)
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
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}
