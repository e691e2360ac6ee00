//go:build linux || darwin || freebsd

package sqlite

import (
	"path/filepath"
	"syscall"
)

// freeBytes is the space left to an unprivileged writer on the disk that
// holds path, and false when it cannot be told.
func freeBytes(path string) (uint64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(path), &st); err != nil {
		return 0, false
	}
	return uint64(st.Bavail) * uint64(st.Bsize), true
}
