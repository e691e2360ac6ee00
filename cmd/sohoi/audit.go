package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/sohoi/sohoi/internal/app"
)

const auditUsage = `usage: sohoi audit verify [flags]

Settles the audit entries a crash left pending (MongoDB: each is confirmed
or voided against the stored object; numbers taken by a writer that died
are filled with void entries), then walks the whole chain of the trail and
reports the first entry changed, removed or inserted in the store. Exits 1
when the chain is broken. It may run beside the server.`

// errChainBroken is a verify that found the chain broken: exit 1.
var errChainBroken = errors.New("the audit chain is broken")

// auditCmd is the audit trail's tools.
func auditCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprint(stderr, auditUsage+"\n")
		if len(args) == 0 {
			return usageErrorf("audit: no subcommand given")
		}
		return usageErrorf("audit: unknown subcommand %q", args[0])
	}
	c := newCommand("audit verify", auditUsage, stdout, stderr)
	return c.openCore(ctx, args[1:], getenv, nil, func(a *app.Core) error {
		r, settled, err := a.Trail.Verify(ctx)
		if err != nil {
			return err
		}
		if settled > 0 {
			fmt.Fprintf(stdout, "settled %d entries a crash left pending\n", settled)
		}
		if r.Problem != nil {
			fmt.Fprintf(stdout, "BROKEN at entry %d (%s): %s\n", r.Problem.Seq, r.Problem.What, r.Problem.Detail)
			return errChainBroken
		}
		fmt.Fprintf(stdout, "audit chain intact: %d entries, last number %d", r.Entries, r.Head)
		if r.Unsealed > 0 {
			fmt.Fprintf(stdout, ", %d at the end still being written", r.Unsealed)
		}
		fmt.Fprintln(stdout)
		return nil
	})
}
