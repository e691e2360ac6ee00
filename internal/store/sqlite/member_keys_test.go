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
	got := texts(t, db.read, `SELECT unit || ':' || term FROM member_keys WHERE sort_key = ? ORDER BY 1`, (&members.Member{ID: "m2", FullName: "Lê An"}).SortKey())
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
		return texts(t, db.read, `SELECT unit || ':' || term || ':' || sort_key || ':' || rid FROM member_keys ORDER BY 1`)
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

// A transfer rewrites only the keys under the units the member left and
// joined (moveKeys): between two branches of a commune, the old branch's
// keys are deleted and the new one's written, and the rows under the
// commune and the units above it are not touched. Seen through a
// temporary trigger on the writer's connection, which logs each row
// deleted or inserted; the keys left are then those of the new path.
func TestATransferRewritesOnlyTheKeysOfTheUnitsItChanges(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m := &members.Member{ID: "a000000000000001", BranchID: "b1", Path: []string{"r", "p", "c", "b1"}, FullName: "Lê An",
		Status: members.Active, Version: 1}
	if err := db.LoadMembers(ctx, []*members.Member{m}, []*members.Event{{MemberID: m.ID, Seq: 1, Type: members.Joined}}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TEMP TABLE key_writes (op TEXT, unit TEXT)`,
		`CREATE TEMP TRIGGER key_deleted AFTER DELETE ON main.member_keys BEGIN INSERT INTO key_writes VALUES ('delete', OLD.unit); END`,
		`CREATE TEMP TRIGGER key_inserted AFTER INSERT ON main.member_keys BEGIN INSERT INTO key_writes VALUES ('insert', NEW.unit); END`,
	} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	moved := *m
	moved.BranchID, moved.Path, moved.Version = "b2", []string{"r", "p", "c", "b2"}, 2
	if err := db.MoveMember(ctx, m, &moved, &members.Event{MemberID: m.ID, Seq: 2, Type: members.Transferred}); err != nil {
		t.Fatal(err)
	}
	writes := texts(t, db.write, `SELECT op || ' ' || unit FROM key_writes ORDER BY 1`)
	// three terms each: an, le, and the pair "an le"
	want := []string{"delete b1", "delete b1", "delete b1", "insert b2", "insert b2", "insert b2"}
	if !slices.Equal(writes, want) {
		t.Errorf("key rows written by the transfer: %q, want %q", writes, want)
	}
	units := texts(t, db.read, `SELECT DISTINCT unit FROM member_keys WHERE rid = (SELECT rowid FROM members WHERE id = ?) ORDER BY 1`, m.ID)
	if want := []string{"b2", "c", "p", "r"}; !slices.Equal(units, want) {
		t.Errorf("keys under %q after the transfer, want %q", units, want)
	}
}

func TestPathChange(t *testing.T) {
	for _, tc := range []struct {
		from, to, left, joined string
	}{
		{"/r/p/c/b1/", "/r/p/c/b2/", "/b1/", "/b2/"},
		{"/r/p/d/c1/b1/", "/r/p/d/c2/b2/", "/c1/b1/", "/c2/b2/"},
		{"/r/p1/c1/b/", "/r/p2/c1/b/", "/p1/", "/p2/"}, // a commune moved to another province (rewriteMembers)
		{"/r/p/d/c/b/", "/r/p/c/b/", "/d/", ""},        // the district level gone
		{"/r/p/c/b/", "/r/p/c/b/", "", ""},
	} {
		left, joined := pathChange(unitpath.ParseKey(tc.from), unitpath.ParseKey(tc.to))
		if !slices.Equal(left, unitpath.ParseKey(tc.left)) || !slices.Equal(joined, unitpath.ParseKey(tc.joined)) {
			t.Errorf("pathChange(%s, %s) = %v, %v; want %s, %s", tc.from, tc.to, left, joined, tc.left, tc.joined)
		}
	}
}
