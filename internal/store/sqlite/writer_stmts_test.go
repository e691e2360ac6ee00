package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// TestTheWriterKeepsItsStatements runs the same texts in write
// transactions again and again: each is prepared once on the writer's
// connection and kept, a script of several statements and a text that
// fails are run as text (the failure being the one SQLite gives), and a
// kept statement still does the right thing after the schema changes.
func TestTheWriterKeepsItsStatements(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	write := func(query string, args ...any) error {
		return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, query, args...)
			return err
		})
	}
	if err := write(`CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT) STRICT`); err != nil {
		t.Fatal(err)
	}
	const insert = `INSERT INTO t(k, v) VALUES (?, ?)`
	for k := range 5 {
		if err := write(insert, k, "v"); err != nil {
			t.Fatal(err)
		}
	}
	kept := func(query string) bool {
		t.Helper()
		conn, err := db.write.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var has, wrapped bool
		if err := conn.Raw(func(dc any) error {
			c, ok := dc.(*stmtConn)
			wrapped = ok
			if ok {
				has = c.stmts[query] != nil
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if !wrapped {
			t.Fatal("the writer's connection keeps no statements")
		}
		return has
	}
	if !kept(insert) {
		t.Errorf("%q was not kept after five writes", insert)
	}
	// A script is run whole, as text.
	const script = `INSERT INTO t(k, v) VALUES (10, 'a'); INSERT INTO t(k, v) VALUES (11, 'b')`
	if err := write(script); err != nil {
		t.Fatal(err)
	}
	if kept(script) {
		t.Error("a script was kept as one statement")
	}
	// A text that cannot be prepared fails as it would without the cache.
	if err := write(`INSERT INTO nowhere(k) VALUES (1)`); err == nil || !strings.Contains(err.Error(), "no such table") {
		t.Errorf("a write to a missing table: %v", err)
	}
	// A duplicate key fails, and the kept statement works after it.
	if err := write(insert, 1, "again"); !isUnique(err) {
		t.Errorf("a duplicate key: %v, want a UNIQUE violation", err)
	}
	if err := write(insert, 6, "after"); err != nil {
		t.Fatal(err)
	}
	// The schema changes under a kept statement: SQLite prepares it again.
	if err := write(`ALTER TABLE t ADD COLUMN w TEXT NOT NULL DEFAULT 'default'`); err != nil {
		t.Fatal(err)
	}
	if err := write(insert, 7, "new schema"); err != nil {
		t.Fatal(err)
	}
	var n int
	var w string
	if err := db.read.QueryRowContext(ctx, `SELECT count(*), max(w) FROM t`).Scan(&n, &w); err != nil {
		t.Fatal(err)
	}
	if n != 9 || w != "default" {
		t.Errorf("%d rows, w %q; want 9 rows (0-4, 6, 7, 10, 11) with the default", n, w)
	}
}
