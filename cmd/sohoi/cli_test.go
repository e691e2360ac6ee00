package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/app"
)

// runMain runs the real command (this test binary as sohoi, see TestMain)
// and returns its exit status and output.
func runMain(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), append([]string{"SOHOI_TEST_AS_MAIN=1", "SOHOI_CLOSE_MONTHS=false"}, env...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return code, out.String(), errOut.String()
}

// Every command prints its own help, with only the flags it takes, on
// stdout and exits 0; a command line sohoi cannot run exits 2 with the
// help on stderr; work that fails exits 1.
func TestCommandLine(t *testing.T) {
	storeFlags := []string{"-data-dir", "-mongodb-uri", "-mongodb-db", "-log-level"}
	cases := []struct {
		name       string
		env        []string
		args       []string
		code       int
		stdout     []string // must appear on stdout
		stderr     []string // must appear on stderr
		notStdout  []string // must not appear on stdout
		emptyStore bool     // and nothing may be written to the data directory
	}{
		{name: "top help", args: []string{"--help"}, code: 0, stdout: []string{"usage: sohoi <command>", "seed members"}, emptyStore: true},
		{name: "top -h", args: []string{"-h"}, code: 0, stdout: []string{"usage: sohoi <command>"}, emptyStore: true},
		{name: "help command", args: []string{"help", "seed", "members"}, code: 0,
			stdout: append([]string{"usage: sohoi seed members", "-province", "-count", "-branches-per-commune"}, storeFlags...), notStdout: []string{"-addr"}, emptyStore: true},
		{name: "seed members --help", args: []string{"seed", "members", "--help"}, code: 0,
			stdout:    append([]string{"usage: sohoi seed members", "-province string\n", "-count int\n"}, storeFlags...),
			notStdout: []string{"-addr", "-province seed units", "-tree", "-unit"}, emptyStore: true},
		{name: "seed units -h", args: []string{"seed", "units", "-h"}, code: 0,
			stdout: append([]string{"usage: sohoi seed units", "-tree", "-file", "-province"}, storeFlags...), notStdout: []string{"-addr", "-count"}, emptyStore: true},
		{name: "seed -h", args: []string{"seed", "-h"}, code: 0, stdout: []string{"usage: sohoi seed units", "usage: sohoi seed members"}, emptyStore: true},
		{name: "serve -h", args: []string{"serve", "-h"}, code: 0, stdout: append([]string{"usage: sohoi serve", "-addr"}, storeFlags...), emptyStore: true},
		{name: "reconcile -h", args: []string{"reconcile", "-h"}, code: 0, stdout: []string{"usage: sohoi reconcile", "-unit"}, notStdout: []string{"-addr", "-day"}, emptyStore: true},
		{name: "audit verify -h", args: []string{"audit", "verify", "-h"}, code: 0, stdout: []string{"usage: sohoi audit verify", "-data-dir"}, notStdout: []string{"-addr"}, emptyStore: true},
		{name: "audit without verify", args: []string{"audit"}, code: 2, stderr: []string{"usage: sohoi audit verify"}, emptyStore: true},
		{name: "close-month -h", args: []string{"close-month", "-h"}, code: 0, stdout: []string{"usage: sohoi close-month", "-day", "-unit"}, notStdout: []string{"-addr"}, emptyStore: true},
		{name: "import -h", args: []string{"import", "-h"}, code: 0, stdout: []string{"usage: sohoi import", "-server", "-unit", "-dry-run", "-answers", "-report"},
			notStdout: []string{"-data-dir", "-format"}, emptyStore: true},
		{name: "export -h", args: []string{"export", "-h"}, code: 0, stdout: []string{"usage: sohoi export", "-server", "-unit", "-format", "-o "},
			notStdout: []string{"-data-dir", "-dry-run"}, emptyStore: true},
		{name: "import without --unit", args: []string{"import", "roll.csv"}, code: 2, stderr: []string{"--unit is required"}, emptyStore: true},
		{name: "import without a file", args: []string{"import", "--unit", "u1"}, code: 2, stderr: []string{"give one FILE"}, emptyStore: true},
		{name: "export in pdf", args: []string{"export", "--unit", "u1", "--format", "pdf"}, code: 2, stderr: []string{"--format must be csv or xlsx"}, emptyStore: true},
		{name: "import without a token", args: []string{"import", "--unit", "u1", "cli_test.go"}, code: 1, stderr: []string{"set SOHOI_TOKEN"}, emptyStore: true},
		{name: "restructure -h", args: []string{"restructure", "-h"}, code: 0, stdout: append([]string{"usage: sohoi restructure", "-plan", "-assign", "-dry-run", "-province"}, storeFlags...), notStdout: []string{"-addr"}, emptyStore: true},
		{name: "restructure without a plan", args: []string{"restructure"}, code: 2, stderr: []string{"--plan is required"}, emptyStore: true},
		{name: "version -h", args: []string{"version", "-h"}, code: 0, stdout: []string{"usage: sohoi version"}, notStdout: []string{"flags:"}, emptyStore: true},

		{name: "no command", args: nil, code: 2, stderr: []string{"usage: sohoi <command>"}, emptyStore: true},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, stderr: []string{`unknown command "frobnicate"`}, emptyStore: true},
		{name: "seed without what", args: []string{"seed"}, code: 2, stderr: []string{"usage: sohoi seed units"}, emptyStore: true},
		{name: "unknown flag", args: []string{"seed", "members", "--addr", ":1"}, code: 2,
			stderr: []string{"flag provided but not defined: -addr", "usage: sohoi seed members"}, emptyStore: true},
		{name: "missing --province", args: []string{"seed", "members"}, code: 2, stderr: []string{"--province is required"}, emptyStore: true},
		{name: "stray argument", args: []string{"reconcile", "root"}, code: 2, stderr: []string{`unexpected argument "root"`}, emptyStore: true},
		{name: "bad --day", args: []string{"close-month", "--day", "June"}, code: 2, stderr: []string{"--day"}, emptyStore: true},
		{name: "unknown tree", args: []string{"seed", "units", "--tree", "2024-01"}, code: 2, stderr: []string{"2025-03, 2025-07"}, emptyStore: true},
		{name: "tree and file", args: []string{"seed", "units", "--tree", "2025-03", "--file", "x.json"}, code: 2, stderr: []string{"cannot be used together"}, emptyStore: true},

		{name: "help despite a bad variable", env: []string{"SOHOI_ACCESS_TOKEN_TTL=soon"}, args: []string{"reconcile", "-h"}, code: 0,
			stdout: []string{"usage: sohoi reconcile"}, emptyStore: true},
		{name: "bad variable", env: []string{"SOHOI_ACCESS_TOKEN_TTL=soon"}, args: []string{"reconcile"}, code: 1,
			stderr: []string{"SOHOI_ACCESS_TOKEN_TTL"}, emptyStore: true},
		{name: "failing work", args: []string{"seed", "members", "--province", "99"}, code: 1, stderr: []string{"sohoi: province 99", "run sohoi seed units first"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			code, stdout, stderr := runMain(t, append([]string{"SOHOI_DATA_DIR=" + dir, "SOHOI_ADMIN_PASSWORD=cli-admin-password"}, c.env...), c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, stdout, stderr)
			}
			for _, want := range c.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			for _, not := range c.notStdout {
				if strings.Contains(stdout, not) {
					t.Errorf("stdout has %q:\n%s", not, stdout)
				}
			}
			for _, want := range c.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if c.code == 0 && stderr != "" {
				t.Errorf("help wrote to stderr:\n%s", stderr)
			}
			if strings.Contains(stdout+stderr, "flag: help requested") {
				t.Errorf("the flag package's error leaked:\n%s%s", stdout, stderr)
			}
			if entries, _ := os.ReadDir(dir); c.emptyStore && len(entries) > 0 {
				t.Errorf("opened the store: %v", entries)
			}
		})
	}
}

// sohoi version says what the build info says, not a placeholder.
func TestVersionCommand(t *testing.T) {
	code, stdout, _ := runMain(t, nil, "version")
	if code != 0 || !strings.HasPrefix(stdout, "sohoi ") || !strings.Contains(stdout, "built with "+runtime.Version()) || strings.Contains(stdout, "dev\n") {
		t.Fatalf("exit %d: %q", code, stdout)
	}
}

func TestVersionLine(t *testing.T) {
	bi := func(version string, settings ...string) *debug.BuildInfo {
		b := &debug.BuildInfo{GoVersion: "go1.24.1", Main: debug.Module{Path: "github.com/sohoi/sohoi", Version: version}}
		for i := 0; i < len(settings); i += 2 {
			b.Settings = append(b.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return b
	}
	cases := []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{"tagged module", bi("v1.4.0"), true, "sohoi v1.4.0 built with go1.24.1"},
		{"git checkout", bi("(devel)", "vcs.revision", "0123456789abcdef0123", "vcs.time", "2026-12-01T10:00:00Z", "vcs.modified", "false"), true,
			"sohoi (devel) revision 0123456789ab of 2026-12-01T10:00:00Z built with go1.24.1"},
		{"uncommitted changes", bi("(devel)", "vcs.revision", "0123456789ab", "vcs.modified", "true"), true,
			"sohoi (devel) revision 0123456789ab with uncommitted changes built with go1.24.1"},
		{"pseudo-version", bi("v0.0.0-20261203145501-473c65ae43e2", "vcs.revision", "473c65ae43e209135d132d1afa6c9bca44bfb48d", "vcs.time", "2026-12-03T14:55:01Z"), true,
			"sohoi v0.0.0-20261203145501-473c65ae43e2 of 2026-12-03T14:55:01Z built with go1.24.1"},
		{"no version", bi(""), true, "sohoi (unknown version) built with go1.24.1"},
		{"no build info", nil, false, "sohoi (unknown version) (no build information)"},
	}
	for _, c := range cases {
		if got := versionLine(c.bi, c.ok); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// Commands written with newTool keep their arguments after the flags and
// get the same help handling.
func TestToolKeepsArguments(t *testing.T) {
	dir := t.TempDir()
	getenv := func(k string) string {
		return map[string]string{"SOHOI_DATA_DIR": dir, "SOHOI_ADMIN_PASSWORD": "tool-admin-password", "SOHOI_CLOSE_MONTHS": "false"}[k]
	}
	tl := newTool("users reset-password", io.Discard)
	var got []string
	err := tl.run(context.Background(), []string{"--log-level", "error", "someone"}, getenv, nil, func(*app.Core) error {
		got = tl.fs.Args()
		return nil
	})
	if err != nil || len(got) != 1 || got[0] != "someone" {
		t.Fatalf("args %v, %v", got, err)
	}
	if err := newTool("users", io.Discard).run(context.Background(), []string{"-h"}, getenv, nil, nil); exitCode(err) != 0 {
		t.Fatalf("help: %v", err)
	}
}
