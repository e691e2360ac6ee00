package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// version, when set at link time (-ldflags "-X main.version=v1.2.3"), is
// printed instead of the module version of the build info: for builds
// that are not made from a tagged module, such as a Docker image.
var version string

// versionLine describes the build: the module version, the VCS revision
// and time when the build recorded them (go build in a git checkout), and
// the Go version.
func versionLine(bi *debug.BuildInfo, ok bool) string {
	if !ok {
		return "sohoi " + orUnknown(version) + " (no build information)"
	}
	v := version
	if v == "" {
		v = bi.Main.Version
	}
	parts := []string{"sohoi", orUnknown(v)}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		switch {
		case settings["vcs.modified"] == "true":
			parts = append(parts, "revision "+rev+" with uncommitted changes")
		case !strings.HasSuffix(v, "-"+rev): // a pseudo-version names it already
			parts = append(parts, "revision "+rev)
		}
	}
	if t := settings["vcs.time"]; t != "" {
		parts = append(parts, "of "+t)
	}
	parts = append(parts, "built with "+bi.GoVersion)
	return strings.Join(parts, " ")
}

func orUnknown(v string) string {
	if v == "" {
		return "(unknown version)"
	}
	return v
}

const versionUsage = `usage: sohoi version

Prints the version of this binary: the module version, the source revision
it was built from (when the build recorded it) and the Go version.`

func printVersion(args []string, stdout, stderr io.Writer) error {
	c := newCommand("version", versionUsage, stdout, stderr)
	if err := c.parse(args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, versionLine(debug.ReadBuildInfo()))
	return nil
}
