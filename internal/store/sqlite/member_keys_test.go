package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Migration 0015 builds the keys of the members stored before it: after
// its fill runs over members whose keys are gone, every member's keys are
// back, one per unit on its path and per word or pair of its name.
func TestFillMemberKeysBuildsExistingMembers(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	insert := func(id, name, path string) {
		t.Helper()
		key := (&members.Member{ID: id, FullName: name}).SortKey()
		if _, err := db.write.ExecContext(ctx, `INSERT INTO members(id, branch_id, path, full_name, sort_key, gender, birth_date,
			national_id, phone, address, joined_on, member_no, status, left_on, leave_reason, stints, version, created_at, updated_at)
			VALUES (?, 'b', ?, ?, ?, '', '', '', '', '', '2025-01-01', '', 'active', '', '', '[]', 1, 0, 0)`, id, path, name, key); err != nil {
			t.Fatal(err)
		}
	}
	insert("m1", "Nguyễn Thị Hoà", "/r/p/b/")
	insert("m2", "Lê An", "/r/b2/")
	if err := db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error { return fillMemberKeys(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT unit || ':' || term FROM member_keys WHERE sort_key = ? ORDER BY 1`, (&members.Member{ID: "m2", FullName: "Lê An"}).SortKey())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var k string
		rows.Scan(&k)
		got = append(got, k)
	}
	want := []string{"b2:an", "b2:an le", "b2:le", "r:an", "r:an le", "r:le"}
	if !slices.Equal(got, want) {
		t.Errorf("keys of Lê An = %q, want %q", got, want)
	}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM member_keys`).Scan(&n); err != nil || n != 3*6+2*3 {
		t.Errorf("%d keys, want %d (%v)", n, 3*6+2*3, err)
	}
}

// The bulk load writes the same keys as the migration builds for the same
// members (and so as CreateMember, which the contract suite searches).
func TestLoadMembersWritesTheKeys(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ms []*members.Member
	var evs []*members.Event
	for i, name := range []string{"Nguyễn Thị Hoà", "Lê An", "Trần Văn Nguyễn Văn"} {
		id := string(rune('a'+i)) + "000000000000001"
		ms = append(ms, &members.Member{ID: id, BranchID: "b", Path: []string{"r", "p", "b"}, FullName: name, Status: members.Active, Version: 1})
		evs = append(evs, &members.Event{MemberID: id, Seq: 1, Type: members.Joined})
	}
	if err := db.LoadMembers(ctx, ms, evs); err != nil {
		t.Fatal(err)
	}
	keys := func() []string {
		t.Helper()
		rows, err := db.read.QueryContext(ctx, `SELECT unit || ':' || term || ':' || sort_key || ':' || rid FROM member_keys ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var k string
			rows.Scan(&k)
			out = append(out, k)
		}
		return out
	}
	loaded := keys()
	if len(loaded) != 3*(6+3+6) { // three units × words and pairs: 3+3, 2+1, 3+3 (the repeated văn once)
		t.Errorf("%d keys loaded", len(loaded))
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM member_keys`); err != nil {
		t.Fatal(err)
	}
	if err := db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error { return fillMemberKeys(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
	if built := keys(); !slices.Equal(built, loaded) {
		t.Errorf("loaded keys\n%q\nbuilt keys\n%q", loaded, built)
	}
}

// Members stored before migration 0024 get their name key from it, and
// its index serves MembersByName (issue 17.6).
func TestNameKeyMigrationFillsStoredMembers(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	path := unitpath.Path{"r", "b"}
	m := &members.Member{ID: "m000000000000001", BranchID: "b", Path: path, FullName: "Trần Văn Bình",
		BirthDate: civil.MustParse("1971-02-03"), Status: members.Active, Version: 1}
	if err := db.LoadMembers(ctx, []*members.Member{m}, []*members.Event{{MemberID: m.ID, Seq: 1, Type: members.Joined}}); err != nil {
		t.Fatal(err)
	}
	keys := members.NameKeysOf("TRAN VAN BINH", 1971)
	if got, err := db.MembersByName(ctx, path[:1], keys); err != nil || len(got) != 1 {
		t.Fatalf("after a load: %d, %v", len(got), err)
	}
	// As before the migration: no key, no index; then the migration's fill.
	if _, err := db.write.ExecContext(ctx, `DROP INDEX members_name_key; UPDATE members SET name_key = ''`); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.MembersByName(ctx, path[:1], keys); len(got) != 0 {
		t.Fatalf("found without a key")
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := fillNameKeys(ctx, tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, err := db.MembersByName(ctx, path[:1], keys); err != nil || len(got) != 1 || got[0].ID != m.ID {
		t.Fatalf("after the fill: %d, %v", len(got), err)
	}
	var plan string
	if err := db.read.QueryRowContext(ctx, `EXPLAIN QUERY PLAN SELECT id FROM members WHERE name_key IN (SELECT value FROM json_each(?))
		AND path >= ? AND path < ?`, `["a|1"]`, "/r/", "/r0").Scan(new(int), new(int), new(int), &plan); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "members_name_key") {
		t.Errorf("plan %q does not use members_name_key", plan)
	}
}
