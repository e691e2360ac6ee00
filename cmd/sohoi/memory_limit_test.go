package main

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/sohoi/sohoi/internal/app"
)

// The server's Go memory limit: the configured MiB by default (96), none
// at 0, and GOMEMLIMIT, which the runtime read itself, left alone.
func TestLimitMemory(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	for _, tc := range []struct {
		name       string
		mib        int
		gomemlimit string
		want       int64
	}{
		{"the default", app.Defaults().MemoryLimitMiB, "", 96 << 20},
		{"configured", 200, "", 200 << 20},
		{"none", 0, "", math.MaxInt64},
		{"GOMEMLIMIT wins", 200, "1GiB", math.MaxInt64}, // left as the runtime set it (here: none)
	} {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetMemoryLimit(math.MaxInt64)
			cfg := app.Defaults()
			cfg.MemoryLimitMiB = tc.mib
			limitMemory(cfg, func(k string) string {
				if k == "GOMEMLIMIT" {
					return tc.gomemlimit
				}
				return ""
			})
			if got := debug.SetMemoryLimit(-1); got != tc.want {
				t.Fatalf("limit %d, want %d", got, tc.want)
			}
		})
	}
}
