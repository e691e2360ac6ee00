package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/logging"
	"github.com/sohoi/sohoi/internal/units"
)

// openCore parses a command that works on the store (its own flags and the
// store flags), runs check (nil: none) and calls fn with a Core on the
// configured store, closed when fn returns. A Core starts no listener and
// no background job: a tool does its own work only (keeping the whole
// country's month ends, for instance, is the server's job under its lease,
// not every seed's).
func (c *command) openCore(ctx context.Context, args []string, getenv func(string) string, check func() error, fn func(a *app.Core) error) error {
	if err := c.withStore(getenv); err != nil {
		return err
	}
	if err := c.parse(args); err != nil {
		return err
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	a, err := app.OpenCore(ctx, c.cfg, logging.New(c.stderr, c.cfg.LogLevel))
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a)
}

// unit finds the unit a --unit flag names, for the system doing job.
func unit(ctx context.Context, a *app.Core, job *access.Caller, id string) (*units.Unit, error) {
	u, err := a.Units.Get(ctx, job, id)
	if err != nil {
		return nil, fmt.Errorf("unit %s: %w", id, err)
	}
	return u, nil
}

// tool is the form of a store command from before each command had its
// own help: newTool(name, stderr), flags on t.fs, then t.run. It is kept
// so that such commands still build; new ones use newCommand and openCore,
// which print their help on stdout.
type tool struct {
	*command
	fs *flag.FlagSet
}

func newTool(name string, stderr io.Writer) *tool {
	c := newCommand(name, "usage: sohoi "+name+" [flags] [arguments]", os.Stdout, stderr)
	c.args = true // such commands read t.fs.Args() themselves
	return &tool{command: c, fs: c.fs}
}

func (t *tool) run(ctx context.Context, args []string, getenv func(string) string, check func() error, fn func(a *app.Core) error) error {
	return t.openCore(ctx, args, getenv, check, fn)
}
