package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/sohoi/sohoi/internal/app"
)

// usageError is a command line sohoi cannot run: a flag it does not know,
// a missing argument. It exits 2, after the command's usage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usageErrorf(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// errHelped ends a command that printed its help as asked: exit 0.
var errHelped = errors.New("help printed")

// exitCode is the process status for what run returned: 0 when it ran
// (or printed the help asked for), 2 for a command line it cannot run, 1
// when the work failed.
func exitCode(err error) int {
	var ue usageError
	switch {
	case err == nil || errors.Is(err, errHelped):
		return 0
	case errors.As(err, &ue):
		return 2
	}
	return 1
}

// command is one subcommand's flag set and help: only the flags it uses.
type command struct {
	fs      *flag.FlagSet
	usage   string // first lines of the help: the synopsis and what it does
	stdout  io.Writer
	stderr  io.Writer
	storeOn bool // it opens the store, so it takes the store flags
	args    bool // it takes arguments after its flags (c.fs.Args())
	cfg     app.Config
	cfgErr  error // a bad SOHOI_* variable: reported after the help had its chance
}

// newCommand makes a command named name; usage is its synopsis and
// description.
func newCommand(name, usage string, stdout, stderr io.Writer) *command {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors and help are printed by parse
	fs.Usage = func() {}
	return &command{fs: fs, usage: usage, stdout: stdout, stderr: stderr}
}

// withStore reads the configuration from the environment and adds the
// flags that choose the store (and the log level), which override it. A
// bad variable is reported by parse, unless help was asked for.
func (c *command) withStore(getenv func(string) string) error {
	cfg, err := app.FromEnv(getenv)
	if err != nil {
		cfg = app.Defaults()
	}
	c.cfg, c.cfgErr, c.storeOn = cfg, err, true
	c.fs.StringVar(&c.cfg.DataDir, "data-dir", c.cfg.DataDir, "embedded store directory (SOHOI_DATA_DIR)")
	c.fs.StringVar(&c.cfg.MongoURI, "mongodb-uri", c.cfg.MongoURI, "MongoDB URI; empty for the embedded store (SOHOI_MONGODB_URI)")
	c.fs.StringVar(&c.cfg.MongoDB, "mongodb-db", c.cfg.MongoDB, "MongoDB database name (SOHOI_MONGODB_DB)")
	c.fs.StringVar(&c.cfg.LogLevel, "log-level", c.cfg.LogLevel, "debug, info, warn or error (SOHOI_LOG_LEVEL)")
	return nil
}

// parse reads args. -h/--help prints the help on stdout and returns
// errHelped; a bad flag or a stray argument prints the error and the help
// on stderr and returns a usageError.
func (c *command) parse(args []string) error {
	err := c.fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		c.printHelp(c.stdout)
		return errHelped
	case err != nil:
		fmt.Fprintf(c.stderr, "sohoi %s: %v\n", c.fs.Name(), err)
		c.printHelp(c.stderr)
		return usageError{err.Error()}
	case c.fs.NArg() > 0 && !c.args:
		return c.fail("unexpected argument %q", c.fs.Arg(0))
	}
	return c.cfgErr
}

// fail prints the help on stderr and returns a usageError: for checks
// after parsing, such as a required flag left out.
func (c *command) fail(format string, a ...any) error {
	msg := fmt.Sprintf(format, a...)
	fmt.Fprintf(c.stderr, "sohoi %s: %s\n", c.fs.Name(), msg)
	c.printHelp(c.stderr)
	return usageError{msg}
}

func (c *command) printHelp(w io.Writer) {
	fmt.Fprintln(w, strings.TrimRight(c.usage, "\n"))
	n := 0
	c.fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprintln(w, "\nflags:")
	c.fs.SetOutput(w)
	c.fs.PrintDefaults()
	c.fs.SetOutput(io.Discard)
	if c.storeOn {
		fmt.Fprintln(w, "\nA flag naming a SOHOI_* variable overrides it; see README.md for the others.")
	}
}
