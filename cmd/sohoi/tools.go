package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/logging"
	"github.com/sohoi/sohoi/internal/units"
)

// tool is what the command-line tools share: their flags beside the
// configuration, an App on the configured store, closed when they end.
type tool struct {
	fs     *flag.FlagSet
	stderr io.Writer
}

func newTool(name string, stderr io.Writer) *tool {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return &tool{fs: fs, stderr: stderr}
}

// run parses args (with the configuration) and calls fn with an App.
func (t *tool) run(ctx context.Context, args []string, getenv func(string) string, check func() error, fn func(a *app.App) error) error {
	cfg, err := config(t.fs, args, getenv)
	if err != nil {
		return err
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	a, err := app.New(ctx, cfg, logging.New(t.stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a)
}

// unit finds the unit a --unit flag names.
func unit(ctx context.Context, a *app.App, id string) (*units.Unit, error) {
	u, err := a.Units.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("unit %s: %w", id, err)
	}
	return u, nil
}
