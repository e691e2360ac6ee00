package sqlite

import (
	"context"
	"strings"
	"testing"
)

// member_order follows every write to members (the triggers of migration
// 0013), whichever code path writes: a search orders by it.
func TestMemberOrderFollowsMembers(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.write.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	order := func() string {
		t.Helper()
		rows, err := db.write.QueryContext(ctx, `SELECT o.sort_key FROM member_order o JOIN members m ON m.rowid = o.rid
			WHERE m.sort_key = o.sort_key ORDER BY o.sort_key`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var keys []string
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				t.Fatal(err)
			}
			keys = append(keys, k)
		}
		var n int
		if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM member_order`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != len(keys) {
			t.Fatalf("member_order has %d rows, %d of them in step with members", n, len(keys))
		}
		return strings.Join(keys, ",")
	}
	insert := func(id, key string) {
		exec(`INSERT INTO members(id, branch_id, path, full_name, sort_key, gender, birth_date, national_id, phone, address,
			joined_on, member_no, status, left_on, leave_reason, stints, version, created_at, updated_at)
			VALUES (?, 'b', '/r/b/', 'x', ?, '', '', '', '', '', '2025-01-01', '', 'active', '', '', '[]', 1, 0, 0)`, id, key)
	}
	insert("m1", "b!m1")
	insert("m2", "a!m2")
	if got := order(); got != "a!m2,b!m1" {
		t.Fatalf("after inserts: %q", got)
	}
	exec(`UPDATE members SET sort_key = 'c!m2' WHERE id = 'm2'`)
	if got := order(); got != "b!m1,c!m2" {
		t.Fatalf("after a rename: %q", got)
	}
	exec(`UPDATE members SET phone = '0912345678' WHERE id = 'm1'`)
	exec(`DELETE FROM members WHERE id = 'm1'`)
	if got := order(); got != "c!m2" {
		t.Fatalf("after a delete: %q", got)
	}
}

// A search orders its matches on member_order, not on the members rows.
func TestSearchPageOrdersOnTheNarrowTable(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.read.QueryContext(ctx, `EXPLAIN QUERY PLAN `+searchPage, `"x"`, "", 51)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	got := strings.Join(plan, "\n")
	if !strings.Contains(got, "SEARCH o USING INTEGER PRIMARY KEY") || !strings.Contains(got, "SEARCH m USING INTEGER PRIMARY KEY") {
		t.Fatalf("plan:\n%s", got)
	}
}
