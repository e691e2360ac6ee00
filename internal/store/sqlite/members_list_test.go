package sqlite

import (
	"context"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// A name search must walk member_keys in the official order within its
// unit and stop after a page: its plan seeks the primary key on (unit,
// term) with the cursor as the sort_key range, never scans a table, and
// sorts nothing (no temp B-tree), so it examines the entries it returns
// plus those the other words or the status filter reject. The full-text
// plan it replaces found every match and sorted them.
func TestSearchPlanStopsAfterAPage(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cases := []struct {
		name string
		q    members.Query
	}{
		{"one word", members.Query{Path: unitpath.Path{"d1"}, Words: []string{"nguyen"}}},
		{"two common words", members.Query{Path: unitpath.Path{"d1"}, Words: []string{"nguyen", "thi"}}},
		{"three words", members.Query{Path: unitpath.Path{"p1"}, Words: []string{"le", "thi", "hoa"}}},
		{"with a status", members.Query{Path: unitpath.Path{"p1"}, Words: []string{"nguyen", "thi"}, Statuses: []members.Status{members.Active}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			query, args := listQuery(c.q, "/r/p1/d1/", units.District, page.Keyset{Limit: page.DefaultLimit})
			all := queryPlan(t, db, query, args...)
			if !strings.Contains(all, "SEARCH k USING PRIMARY KEY (unit=? AND term=? AND sort_key>?)") {
				t.Errorf("the search does not seek (unit, term) from the cursor:\n%s", all)
			}
			if strings.Contains(all, "TEMP B-TREE") || strings.Contains(all, "SCAN ") {
				t.Errorf("the search sorts or scans:\n%s", all)
			}
			t.Logf("%s", all)
		})
	}
}

// Removing a member's keys (a rename or a transfer) probes each by its
// primary key, never scans member_keys.
func TestDeleteKeysPlanProbes(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	all := queryPlan(t, db, deleteKeysSQL, `["r","b"]`, `["an","thi"]`, "k")
	if !strings.Contains(all, "SEARCH member_keys USING PRIMARY KEY (unit=? AND term=? AND sort_key=?)") {
		t.Errorf("deleting keys does not probe the primary key:\n%s", all)
	}
}
