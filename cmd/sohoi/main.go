// Command sohoi is the member register of a national mass association: one
// binary with the API server and the command-line tools beside it.
//
//	sohoi serve                       run the API (see API.md, "Running")
//	sohoi seed units --file F [--province 34]
//	                                  load the official administrative tree
//	sohoi seed members --province 34 [--count N]
//	                                  a demonstration roll of made-up members
//	sohoi reconcile [--unit ID]       recount counters, repair and report drift
//	sohoi close-month --day D [--unit ID]
//	                                  keep a past month end's figures
//	sohoi version
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: sohoi <command> [flags]

commands:
  serve        run the API server
  seed units   load provinces, districts and communes from a dvhcvn JSON file
  seed members make a demonstration roll (made-up members) in a province
  reconcile    recount a subtree's counters from the facts and repair drift
  close-month  keep a past month end's figures (the server keeps each month as it ends)
  users reset-password USERNAME
               give an account a new password (printed once) and end its logins
  version      print the version

Configuration comes from SOHOI_* environment variables (see README.md).
`

var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "sohoi:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stderr)
	case "seed":
		return seed(ctx, args[1:], getenv, stdout, stderr)
	case "close-month":
		return closeMonth(ctx, args[1:], getenv, stdout, stderr)
	case "reconcile":
		return reconcile(ctx, args[1:], getenv, stdout, stderr)
	case "users":
		return users(ctx, args[1:], getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "sohoi", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}
