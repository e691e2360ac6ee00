// Command sohoi is the member register of a national mass association: one
// binary with the API server and the command-line tools beside it.
//
//	sohoi serve                       run the API (see README.md)
//	sohoi seed units [--tree 2025-07 | --file F] [--province CODE]
//	                                  load the official administrative tree
//	sohoi seed members --province CODE [--count N]
//	                                  a demonstration roll of made-up members
//	sohoi seed records --province CODE [--year Y]
//	                                  a half-year of learning models, fund and scholarships
//	sohoi reconcile [--unit ID]       recount counters, repair and report drift
//	sohoi close-month --day D [--unit ID]
//	                                  keep a past month end's figures
//	sohoi import --server URL --unit ID FILE [--dry-run] [--answers FILE] [--report FILE]
//	                                  import a roll through a server's API
//	sohoi export --server URL --unit ID [--format csv|xlsx] [-o FILE]
//	                                  download a unit's roll
//	sohoi restructure --plan 2025-07|F [--province CODE] [--assign F] [--dry-run]
//	                                  apply a reform plan to the tree before it
//	sohoi version
//
// Every command prints its own flags with -h; the exit status is 0 when it
// ran, 1 when its work failed and 2 for a command line it cannot run.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: sohoi <command> [flags]

commands:
  serve        run the API server
  demo         make a demonstration registry (old Thái Bình, the 2025 reform) and serve it
  seed units   load the official administrative tree (carried in the binary)
  seed members make a demonstration roll (made-up members) in a province
  seed records give a province a half-year of learning models, fund entries and scholarships
  reconcile    recount a subtree's counters from the facts and repair drift
  close-month  keep a past month end's figures (the server keeps each month as it ends)
  restructure  apply a reform plan (--plan 2025-07) to the tree before it; --dry-run says what it would do
  users reset-password USERNAME
               give an account a new password (printed once) and end its logins
  import FILE  import a roll (CSV, XLSX, NDJSON) into a unit through a server's API
  export       download a unit's roll (CSV or XLSX) from a server
  backup FILE  write the whole registry to a file any store restores (also while serving)
  restore FILE restore a backup into an empty database (embedded or MongoDB) and count it
  audit verify settle what a crash left pending and check the audit trail's hash chain
  version      print the version

"sohoi <command> -h" prints a command's flags. Configuration comes from
SOHOI_* environment variables (see README.md).`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first signal asks the command to stop cleanly; a second
		// one ends the process at once.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	code := exitCode(err)
	if code == 1 {
		fmt.Fprintln(os.Stderr, "sohoi:", err)
	}
	os.Exit(code)
}

// run runs the command line args; a help asked for and printed is nil.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if err := dispatch(ctx, args, getenv, stdout, stderr); !errors.Is(err, errHelped) {
		return err
	}
	return nil
}

func dispatch(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return usageErrorf("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr)
	case "demo":
		return demoCmd(ctx, args[1:], getenv, stdout, stderr)
	case "seed":
		return seed(ctx, args[1:], getenv, stdout, stderr)
	case "close-month":
		return closeMonth(ctx, args[1:], getenv, stdout, stderr)
	case "reconcile":
		return reconcile(ctx, args[1:], getenv, stdout, stderr)
	case "restructure":
		return restructure(ctx, args[1:], getenv, stdout, stderr)
	case "users":
		return users(ctx, args[1:], getenv, stdout, stderr)
	case "import":
		return importRoll(ctx, args[1:], getenv, stdout, stderr)
	case "export":
		return export(ctx, args[1:], getenv, stdout, stderr)
	case "backup":
		return backupCmd(ctx, args[1:], getenv, stdout, stderr)
	case "restore":
		return restoreCmd(ctx, args[1:], getenv, stdout, stderr)
	case "audit":
		return auditCmd(ctx, args[1:], getenv, stdout, stderr)
	case "version":
		return printVersion(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && args[0] == "help" { // sohoi help seed members
			return dispatch(ctx, append(args[1:], "-h"), getenv, stdout, stderr)
		}
		fmt.Fprintln(stdout, usage)
		return errHelped
	}
	fmt.Fprintf(stderr, "sohoi: unknown command %q\n\n%s\n", args[0], usage)
	return usageErrorf("unknown command %q", args[0])
}
