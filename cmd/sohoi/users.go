package main

import (
	"context"
	"fmt"
	"io"

	"github.com/sohoi/sohoi/internal/app"
)

const usersUsage = `usage: sohoi users reset-password [flags] USERNAME

Gives USERNAME a new random password, printed once, and ends every login of
that account at once (its access tokens stop working too). For a lost
administrator password: run it on the server machine, with the server's
SOHOI_* configuration. The new password is an ordinary one: sign in with it
and change it (PATCH /api/v1/users/{id} with password and currentPassword).
`

// users is the account tools an operator runs on the server machine.
func users(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "reset-password" {
		fmt.Fprint(stderr, usersUsage)
		if len(args) == 0 {
			return fmt.Errorf("users: no subcommand given")
		}
		return fmt.Errorf("users: unknown subcommand %q", args[0])
	}
	return resetPassword(ctx, args[1:], getenv, stdout, stderr)
}

func resetPassword(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	t := newTool("users reset-password", stderr)
	check := func() error {
		if t.fs.NArg() != 1 {
			fmt.Fprint(stderr, usersUsage)
			return fmt.Errorf("users reset-password: give exactly one USERNAME")
		}
		return nil
	}
	return t.run(ctx, args, getenv, check, func(a *app.Core) error {
		username := t.fs.Arg(0)
		password, err := a.Users.ResetPassword(ctx, username)
		if err != nil {
			return fmt.Errorf("resetting the password of %q: %w", username, err)
		}
		fmt.Fprintf(stdout, "reset the password of %s; every login of that account has ended\n", username)
		fmt.Fprintf(stdout, "new password (shown only now; change it after signing in): %s\n", password)
		return nil
	})
}
