package sqlite

import (
	"context"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
)

// A branch's and a commune's page of the roll, as the API lists it (brief,
// with or without a status filter), is read from members_roll alone: no
// row of the table, whose rows of one branch lie on as many pages as
// there are members on the page (members_roll.go). Fails if the index
// loses a column the list shows, or the list starts reading one that the
// index lacks (then a new migration must widen the index).
func TestARollPageReadsTheIndexAlone(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range []struct {
		name  string
		level units.Level
		q     members.Query
	}{
		{"branch", units.Branch, members.Query{Brief: true}},
		{"branch, active", units.Branch, members.Query{Brief: true, Statuses: []members.Status{members.Active}}},
		{"commune", units.Commune, members.Query{Brief: true}},
		{"branch, next page", units.Branch, members.Query{Brief: true}},
	} {
		k := page.Keyset{Limit: 50}
		if strings.HasSuffix(tc.name, "next page") {
			k.After = "m"
		}
		query, args := listQuery(tc.q, "/root/p/c/b/", tc.level, k)
		got := queryPlan(t, db, query, args...)
		if !strings.Contains(got, "USING COVERING INDEX members_roll") {
			t.Errorf("%s: plan %q, want members_roll alone", tc.name, got)
		}
		// A branch's page is read in order and stops after a page; a
		// commune's is read by path range and sorted (ListMembers).
		if tc.level == units.Branch && strings.Contains(got, "TEMP B-TREE") {
			t.Errorf("%s: plan %q sorts, want the index's order", tc.name, got)
		}
	}
}
