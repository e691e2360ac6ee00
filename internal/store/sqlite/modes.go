package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// The database holds the signing key, password hashes and personal data:
// only the owner may read it. SQLite gives the WAL and shared-memory files
// the main file's mode, so creating the main file 0600 before SQLite does
// is enough for a new database; an existing one made by an older version
// (0644 under the usual umask) is corrected at start.

// fileMode is the mode of the database and its -wal and -shm files.
const fileMode fs.FileMode = 0o600

// secureFiles creates the database file 0600 if it does not exist and
// corrects the mode of the files that exist, returning those it corrected.
func secureFiles(path string) (fixed []string, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
	switch {
	case err == nil:
		if err := f.Close(); err != nil {
			return nil, err
		}
	case !errors.Is(err, fs.ErrExist):
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fixed, err
		}
		if st.Mode().Perm() != fileMode {
			if err := os.Chmod(p, fileMode); err != nil {
				return fixed, fmt.Errorf("making %s private: %w", p, err)
			}
			fixed = append(fixed, fmt.Sprintf("%s (was %v)", p, st.Mode().Perm()))
		}
	}
	return fixed, nil
}

// FixedModes lists the files whose mode Open corrected to 0600 (for the
// caller to log).
func (db *DB) FixedModes() []string { return db.fixedModes }
