package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/backup"
	"github.com/sohoi/sohoi/internal/logging"
	"github.com/sohoi/sohoi/internal/store/sqlite"
	"github.com/sohoi/sohoi/internal/units"
)

const backupUsage = `usage: sohoi backup FILE

Writes the whole registry to FILE (gzip-compressed JSON lines): units,
members with their histories, officers, users and their passwords' hashes,
their logins, the signing keys, the records of learning, evidence, the
fund and awards, the kept month ends and the audit trail. Any store
restores it (sohoi restore), so it also moves a registry from the embedded
store to MongoDB or back. It may run while the server runs: on the
embedded store it dumps a snapshot of one moment; on MongoDB it reads the
collections as they are while it runs (for one point in time there, see
mongodump in docs/sharding.md). The file holds personal data and password
hashes: keep it where only the operator can read it.`

const restoreUsage = `usage: sohoi restore FILE

Restores a backup written by sohoi backup into an empty database (a new
SOHOI_DATA_DIR, or a new MongoDB database), with no server running on it.
It checks the whole file first and writes nothing if any of it is damaged;
then it writes every record as it was and recounts the figures from them.
If it stops part-way, empty the database and run it again.`

// backupCmd writes the registry to a file.
func backupCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommand("backup", backupUsage, stdout, stderr)
	c.args = true
	var file string
	check := func() error {
		if c.fs.NArg() != 1 {
			return c.fail("give one FILE to write")
		}
		file = c.fs.Arg(0)
		return nil
	}
	return c.openCore(ctx, args, getenv, check, func(a *app.Core) error {
		start := time.Now()
		src, kind, done, err := backupSource(ctx, a)
		if err != nil {
			return err
		}
		defer done()
		t, err := writeAtomically(file, func(w io.Writer) (backup.Trailer, error) {
			return backup.Dump(ctx, src, w, backup.Header{CreatedAt: time.Now().UTC(), Store: kind, Sohoi: versionLine(debug.ReadBuildInfo())})
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backed up %s to %s in %s\n", counts(t), file, time.Since(start).Round(time.Millisecond))
		return nil
	})
}

// backupSource is what to dump: on the embedded store a snapshot of the
// database taken now (SQLite's VACUUM INTO, beside the database), so that
// the backup is one moment however long the dump takes; on MongoDB the
// store itself.
func backupSource(ctx context.Context, a *app.Core) (backup.Store, string, func(), error) {
	snap, ok := a.Store.(interface {
		SnapshotTo(ctx context.Context, path string) error
	})
	if !ok {
		return a.Store, "mongodb", func() {}, nil
	}
	path := filepath.Join(a.Config.DataDir, fmt.Sprintf("backup-snapshot-%d.db", os.Getpid()))
	remove := func() {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			_ = os.Remove(path + suffix)
		}
	}
	remove()
	if err := snap.SnapshotTo(ctx, path); err != nil {
		remove()
		return nil, "", nil, err
	}
	db, err := sqlite.OpenFile(ctx, path)
	if err != nil {
		remove()
		return nil, "", nil, err
	}
	return db, "sqlite", func() { _ = db.Close(); remove() }, nil
}

// writeAtomically writes to a temporary file beside path and renames it
// into place once complete, so that a backup that fails leaves no file
// that looks like one.
func writeAtomically(path string, write func(io.Writer) (backup.Trailer, error)) (backup.Trailer, error) {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.partial")
	if err != nil {
		return backup.Trailer{}, err
	}
	t, err := write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return t, err
}

// restoreCmd restores a backup into an empty database.
func restoreCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newCommand("restore", restoreUsage, stdout, stderr)
	c.args = true
	var file string
	check := func() error {
		if c.fs.NArg() != 1 {
			return c.fail("give one FILE to restore")
		}
		file = c.fs.Arg(0)
		return nil
	}
	if err := c.withStore(getenv); err != nil {
		return err
	}
	if err := c.parse(args); err != nil {
		return err
	}
	if err := check(); err != nil {
		return err
	}
	// The records go in before a Core is built on the store: building one
	// makes the root unit of a new database, and a restore needs it empty.
	log := logging.New(c.stderr, c.cfg.LogLevel)
	store, _, err := app.OpenStore(ctx, c.cfg)
	if err != nil {
		return err
	}
	start := time.Now()
	h, t, err := backup.Restore(ctx, store, func() (io.ReadCloser, error) { return os.Open(file) })
	if err != nil {
		return errors.Join(err, store.Close())
	}
	fmt.Fprintf(stdout, "restored %s from a backup of %s made %s\n", counts(t), h.Store, h.CreatedAt.Format(time.RFC3339))
	a, err := app.NewCore(ctx, c.cfg, log, store)
	if err != nil {
		return errors.Join(err, store.Close())
	}
	defer a.Close()
	// The counters are not in the file: count them from the records.
	job := access.System("restore")
	root, err := a.Units.Get(ctx, job, units.RootID)
	if err != nil {
		return err
	}
	p := newProgress(stderr, "counting", "units", -1)
	r, err := watched(a, c, p).Reconcile(ctx, job, root)
	p.Done()
	if err != nil {
		return errors.Join(err, errors.New("the records are restored but not counted: run sohoi reconcile"))
	}
	fmt.Fprintf(stdout, "counted %d units in %s\n", r.Checked, time.Since(start).Round(time.Millisecond))
	return nil
}

// counts says how many records of each section a backup holds.
func counts(t backup.Trailer) string {
	s := ""
	for _, sec := range backup.Sections {
		if n := t.End[sec]; n > 0 {
			if s != "" {
				s += ", "
			}
			s += fmt.Sprintf("%d %s", n, sec)
		}
	}
	if s == "" {
		return "an empty registry"
	}
	return s
}
