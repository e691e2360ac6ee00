package sqlite

import (
	"context"
	"strings"
	"testing"
)

// A branch's recount reads its periods from member_moves_branch_periods
// alone: through the table it read a page per period on a large database.
func TestBranchPeriodsReadOnlyTheIndex(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var plan string
	if err := db.read.QueryRowContext(ctx, "EXPLAIN QUERY PLAN "+branchPeriodsSQL, "b").
		Scan(new(int), new(int), new(int), &plan); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "COVERING INDEX member_moves_branch_periods") {
		t.Errorf("plan %q: want the covering index member_moves_branch_periods", plan)
	}
}
