package main

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/url"
	"path/filepath"
	"strings"
)

const exportUsage = `usage: sohoi export --server URL --unit ID [--format csv|xlsx] [--status active|all] [-o FILE]

Downloads the roll of a unit's subtree from a sohoi server, in the
official order, as the file the import reads back: Vietnamese headers,
dates dd/mm/yyyy (GET /api/v1/units/{id}/members/export). Without -o
the file is saved under the name the server gives it (hoi-vien-CODE-DAY.csv)
in the current directory; -o - writes it to stdout.

The access token is SOHOI_TOKEN; without it, on a terminal, it asks for a
username and password and signs in.`

// export downloads a unit's roll.
func export(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommand("export", exportUsage, stdout, stderr)
	cf := addClientFlags(c, getenv)
	unitID := c.fs.String("unit", "", "id of the unit whose roll to export (required)")
	format := c.fs.String("format", "csv", "csv or xlsx")
	status := c.fs.String("status", "active", "active (the roll today) or all (with those who left or died)")
	out := c.fs.String("o", "", "the file to write; - for stdout (default: the server's file name)")
	if err := c.parse(args); err != nil {
		return err
	}
	switch {
	case *unitID == "":
		return c.fail("--unit is required")
	case *format != "csv" && *format != "xlsx":
		return c.fail("--format must be csv or xlsx, not %q", *format)
	case *status != "active" && *status != "all":
		return c.fail("--status must be active or all, not %q", *status)
	}
	api, err := cf.connect(ctx, getenv, stderr)
	if err != nil {
		return err
	}
	q := url.Values{"format": {*format}, "status": {*status}}
	path, err := api.download(ctx, "/api/v1/units/"+url.PathEscape(*unitID)+"/members/export?"+q.Encode(), *out, stdout)
	if err != nil {
		return err
	}
	if path != "-" {
		fmt.Fprintln(stdout, "wrote", path)
	}
	return nil
}

// attachmentName is the file name a Content-Disposition gives, reduced
// to a plain name in the current directory ("" when none is usable).
func attachmentName(cd string) string {
	_, params, err := mime.ParseMediaType(cd)
	if err != nil {
		return ""
	}
	name := filepath.Base(strings.ReplaceAll(params["filename"], `\`, "/"))
	if name == "." || name == "/" || name == ".." || strings.HasPrefix(name, ".") {
		return ""
	}
	return name
}
