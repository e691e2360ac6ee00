package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// TestReadingACounterReadsNoOverflowPage stores tallies as large as a
// province's (several KB of JSON: overflow pages) and reads one many times
// over: after the first reads, which fill a connection's cache, a read
// must not go to the file at all. Keyed WITHOUT ROWID, every lookup read
// the overflow pages of the cells it passed, from the file each time
// (counters_rowid.go).
func TestReadingACounterReadsNoOverflowPage(t *testing.T) {
	if _, err := readSyscalls(); err != nil {
		t.Skipf("no /proc/self/io here: %v", err)
	}
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var target unitpath.Path
	for i := range 200 {
		c := &rollups.Counter{UnitID: fmt.Sprintf("u%03d", i), ParentID: "root", Day: "", Ticket: 1,
			Path: unitpath.Path{"root", fmt.Sprintf("u%03d", i)}}
		c.Tally.ByBirthYear = map[int]int{}
		for y := 1920; y < 2010; y++ {
			c.Tally.ByBirthYear[y] = 100000 + y*7 + i
		}
		c.Tally.ByJoinYear = c.Tally.ByBirthYear
		if err := db.ReplaceCounter(ctx, c); err != nil {
			t.Fatal(err)
		}
		if i == 100 {
			target = c.Path
		}
	}
	// Out of the WAL into the database file: SQLite reads a page found
	// in the WAL through the cache, one in the file's overflow straight.
	if _, err := db.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	get := func() {
		c, err := db.GetCounter(ctx, target, "")
		if err != nil || c.Tally.ByBirthYear[1950] != 100000+1950*7+100 {
			t.Fatalf("GetCounter: %v, %v", c, err)
		}
	}
	for range 20 { // every reader's cache holds the pages now
		get()
	}
	before, _ := readSyscalls()
	const n = 100
	for range n {
		get()
	}
	after, _ := readSyscalls()
	t.Logf("%d reads of the file for %d reads of one counter", after-before, n)
	if reads := after - before; reads >= n {
		t.Errorf("%d reads of the file for %d reads of one counter: the lookups read pages outside the cache", reads, n)
	}
}

// readSyscalls is how many read system calls the process has made.
func readSyscalls() (int64, error) {
	f, err := os.Open("/proc/self/io")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "syscr: "); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, fmt.Errorf("no syscr in /proc/self/io")
}
