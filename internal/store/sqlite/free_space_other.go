//go:build !(linux || darwin || freebsd)

package sqlite

// freeBytes cannot be told here: the probe's write alone decides.
func freeBytes(string) (uint64, bool) { return 0, false }
