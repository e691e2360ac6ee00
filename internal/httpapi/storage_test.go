package httpapi_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/store/sqlite"
)

func TestDatabaseFilesAreReadableByTheOwnerOnly(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, func(c *app.Config) { c.DataDir = dir })
	e.mustUnit("root", "province", "34") // a write, so the WAL exists
	db := filepath.Join(dir, sqlite.FileName)
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), st.Mode().Perm())
		}
	}
}

func TestAnExistingDatabaseIsMadePrivateAtStart(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, sqlite.FileName)
	first := newEnv(t, func(c *app.Config) { c.DataDir = dir })
	first.srv.Close()
	if err := first.app.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(db, 0o644); err != nil { // as an older version made it
		t.Fatal(err)
	}
	newEnv(t, func(c *app.Config) { c.DataDir = dir })
	if st, err := os.Stat(db); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("after a start: %v (%v), want 0600", st.Mode().Perm(), err)
	}
}

// mountSmallDisk mounts a tmpfs of size bytes on a fresh directory (as
// root, on Linux) and unmounts it when the test ends; it skips the test
// where that is not possible.
func mountSmallDisk(t *testing.T, size string) string {
	t.Helper()
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("mounting a small filesystem needs root on Linux")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// fill writes a file until the filesystem has no space left.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := bytes.Repeat([]byte{0xA5}, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	// Whatever fits in the last few bytes.
	for _, n := range []int{4096, 512, 1} {
		for {
			if _, err := f.Write(chunk[:n]); err != nil {
				break
			}
		}
	}
}

func TestAFullDiskIsReportedAndRecoveredWithoutARestart(t *testing.T) {
	disk := mountSmallDisk(t, "24m")
	e := newEnv(t, func(c *app.Config) { c.DataDir = filepath.Join(disk, "data") })
	e.expect(e.do("GET", "/readyz", "", nil), 200)
	e.mustUnit("root", "province", "01")

	filler := filepath.Join(disk, "filler")
	fill(t, filler)
	// Writes are refused with a stable code (not a 500) and change nothing.
	var refused bool
	for i := range 50 {
		r := e.do("POST", "/api/v1/units", e.admin, map[string]string{
			"parentId": "root", "level": "province", "name": "Tỉnh mới", "code": "F" + string(rune('A'+i%26)) + string(rune('A'+i/26))})
		if r.status == 201 {
			continue // a write that still found room in the WAL
		}
		t.Logf("refused after %d writes that still fit", i)
		e.expect(r, 507, "insufficient_storage")
		refused = true
		break
	}
	if !refused {
		t.Fatal("no write was refused on a full disk")
	}
	r := e.expect(e.do("GET", "/readyz", "", nil), 503, "insufficient_storage")
	if r.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("readyz: %s", r.header.Get("Content-Type"))
	}
	e.expect(e.do("GET", "/api/v1/units/root", e.admin, nil), 200) // reads still work

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	e.expect(e.do("GET", "/readyz", "", nil), 200)
	e.mustUnit("root", "province", "02")
}
