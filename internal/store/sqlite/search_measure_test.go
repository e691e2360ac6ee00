package sqlite

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// TestMeasureSearch times the roll's common searches and a branch page
// single-client, straight on the store, on an existing database named by
// SOHOI_SEARCH_DIR (for example a copy of a `sohoi seed members` province
// of 1 M); skipped without it. It prints the p50 and p99 of each over
// SOHOI_SEARCH_RUNS runs (default 200): the README's search figures.
func TestMeasureSearch(t *testing.T) {
	dir := os.Getenv("SOHOI_SEARCH_DIR")
	if dir == "" {
		t.Skip("SOHOI_SEARCH_DIR not set")
	}
	runs := 200
	fmt.Sscan(os.Getenv("SOHOI_SEARCH_RUNS"), &runs)
	ctx := context.Background()
	start := time.Now()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fmt.Printf("opened (and migrated) in %s\n", time.Since(start).Round(time.Millisecond))
	var province, provincePath, district string
	// the province holding members
	if err := db.read.QueryRowContext(ctx, `SELECT u.id, u.path FROM units u WHERE u.level = 'province' AND EXISTS (SELECT 1 FROM members m
		WHERE m.path >= u.path AND m.path < u.path || x'7f') LIMIT 1`).Scan(&province, &provincePath); err != nil {
		t.Fatal(err)
	}
	if err := db.read.QueryRowContext(ctx, `SELECT id FROM units WHERE level = 'district' AND path > ? AND path < ? || x'7f' ORDER BY code LIMIT 1`, provincePath, provincePath).Scan(&district); err != nil {
		t.Fatal(err)
	}
	var branches []string
	rows, err := db.read.QueryContext(ctx, `SELECT id FROM units WHERE level = 'branch' AND path > ? AND path < ? || x'7f' ORDER BY id LIMIT 200`, provincePath, provincePath)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		branches = append(branches, id)
	}
	rows.Close()
	cases := []struct {
		name  string
		q     func(i int) members.Query
		count bool
	}{
		{"branch first page", func(i int) members.Query { return members.Query{Path: unitpath.Path{branches[i%len(branches)]}} }, false},
		{"nguyen thi, district", func(int) members.Query { return search(district, "nguyen thi") }, true},
		{"nguyen thi, province", func(int) members.Query { return search(province, "nguyen thi") }, true},
		{"pham, district", func(int) members.Query { return search(district, "pham") }, true},
		{"le thi hoa, province", func(int) members.Query { return search(province, "le thi hoa") }, true},
		{"nguyen thi, district, active", func(int) members.Query {
			q := search(district, "nguyen thi")
			q.Statuses = []members.Status{members.Active}
			return q
		}, true},
	}
	for _, c := range cases {
		var ds []time.Duration
		var n int
		for i := range runs {
			q := c.q(i)
			q.Page = page.Request{Limit: 50}
			s := time.Now()
			res, err := db.ListMembers(ctx, q)
			ds = append(ds, time.Since(s))
			if err != nil {
				t.Fatal(err)
			}
			n = len(res.Items)
		}
		slices.Sort(ds)
		ms := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000 }
		fmt.Printf("%-32s p50 %7.2f ms  p99 %7.2f ms  (%d on the page)\n", c.name, ms(0.5), ms(0.99), n)
	}
	// a create: a copy of a stored member under a new id, straight on the
	// store (no counting), for the cost of its search keys
	res, err := db.ListMembers(ctx, members.Query{Path: unitpath.Path{branches[0]}, Page: page.Request{Limit: 1}})
	if err != nil || len(res.Items) != 1 {
		t.Fatal(err)
	}
	var ds []time.Duration
	for range runs {
		m := *res.Items[0]
		m.ID, m.NationalID = ids.New(), ""
		s := time.Now()
		if err := db.CreateMember(ctx, &m, &members.Event{MemberID: m.ID, Seq: 1, Type: members.Joined, On: m.JoinedOn, At: s}); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, time.Since(s))
	}
	slices.Sort(ds)
	fmt.Printf("%-32s p50 %7.2f ms  p99 %7.2f ms\n", "member create (store)",
		float64(ds[len(ds)/2].Microseconds())/1000, float64(ds[len(ds)*99/100].Microseconds())/1000)
}

func search(unit, q string) members.Query {
	return members.Query{Path: unitpath.Path{unit}, Words: members.SearchWords(q)}
}
