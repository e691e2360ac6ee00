package main

import (
	"context"
	"io"
	"runtime/debug"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/logging"
)

const serveUsage = `usage: sohoi serve [flags]

Runs the API server until SIGINT or SIGTERM, then finishes the requests
under way and stops. Configuration comes from SOHOI_* environment variables
(README.md, "Configuration"); the flags below override them.`

// serve is the only command that builds an app.Server: the bootstrap, the
// listeners and the background jobs. Every other command uses a Core.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommand("serve", serveUsage, stdout, stderr)
	if err := c.withStore(getenv); err != nil {
		return err
	}
	c.fs.StringVar(&c.cfg.Addr, "addr", c.cfg.Addr, "listen address (SOHOI_ADDR)")
	if err := c.parse(args); err != nil {
		return err
	}
	limitMemory(c.cfg, getenv)
	s, err := app.New(ctx, c.cfg, logging.New(stderr, c.cfg.LogLevel))
	if err != nil {
		return err
	}
	defer s.Close() // after Serve has let the requests under way finish
	return s.Serve(ctx)
}

// limitMemory sets the server's soft memory limit (app.Config's
// MemoryLimitMiB) unless GOMEMLIMIT, which the runtime reads itself, is set.
func limitMemory(cfg app.Config, getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" && cfg.MemoryLimitMiB > 0 {
		debug.SetMemoryLimit(int64(cfg.MemoryLimitMiB) << 20)
	}
}
