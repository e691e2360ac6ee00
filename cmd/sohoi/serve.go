package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/sohoi/sohoi/internal/app"
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

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // imports upload large files
		WriteTimeout:      5 * time.Minute, // exports stream large files
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String())

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
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}
