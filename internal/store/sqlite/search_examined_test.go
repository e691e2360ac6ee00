package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// A search examines at most a small multiple of what it returns, however
// common its words (issue 19.5: at most 10×). Its plan walks the keys of
// (unit, leading term) from the cursor (TestSearchPlanStopsAfterAPage), so
// the keys it examines for a page are those of that range up to the page's
// last member: counted here on a roll whose names follow real word shares
// (nguyen ~40 %, thi ~33 %, van ~22 %), where a search led by one common
// word would examine 2–5× and a search sorted from all matches everything.
func TestSearchExaminesASmallMultipleOfItsPage(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.write.ExecContext(ctx, `INSERT INTO units(id, parent_id, level, name, code, path, status, version, created_at, updated_at)
		VALUES ('p', NULL, 'province', 'P', '34', '/p/', 'active', 1, 0, 0)`); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(19, 5))
	pick := func(words []string, weights []int) string {
		n := rng.IntN(100)
		for i, w := range weights {
			if n < w {
				return words[i]
			}
			n -= w
		}
		return words[len(words)-1]
	}
	var ms []*members.Member
	var evs []*members.Event
	for i := range 3000 {
		family := pick([]string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng"}, []int{40, 12, 10, 7, 31})
		var middle string
		if rng.IntN(2) == 0 {
			middle = pick([]string{"Thị", "Ngọc"}, []int{66, 34})
		} else {
			middle = pick([]string{"Văn", "Đức", "Minh"}, []int{44, 30, 26})
		}
		given := pick([]string{"Hoa", "An", "Bình", "Lan", "Hùng", "Mai"}, []int{15, 20, 15, 20, 15, 15})
		id := fmt.Sprintf("m%015d", i)
		ms = append(ms, &members.Member{ID: id, BranchID: "p", Path: []string{"p"}, FullName: family + " " + middle + " " + given,
			Status: members.Active, Version: 1})
		evs = append(evs, &members.Event{MemberID: id, Seq: 1, Type: members.Joined})
	}
	if err := db.LoadMembers(ctx, ms, evs); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"nguyen thi", "thi nguyen", "nguyen van", "thi", "le thi hoa", "nguyen ngoc an"} {
		words := members.SearchWords(q)
		plan := members.PlanSearch(words)
		cursor := ""
		for pages := 0; pages < 3; pages++ {
			res, err := db.ListMembers(ctx, members.Query{Path: unitpath.Path{"p"}, Words: words, Page: page.Request{Limit: 10, Cursor: cursor}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Items) == 0 {
				t.Fatalf("%q: nothing found", q)
			}
			after, _ := page.Decode(cursor)
			var examined int
			if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM member_keys WHERE unit = 'p' AND term = ? AND sort_key > ?
				AND sort_key <= ?`, plan.Lead, after, res.Items[len(res.Items)-1].SortKey()).Scan(&examined); err != nil {
				t.Fatal(err)
			}
			for _, m := range res.Items {
				if !strings.Contains(" "+strings.Join(m.NameWords(), " ")+" ", " "+words[0]+" ") {
					t.Fatalf("%q found %s", q, m.FullName)
				}
			}
			if examined > 10*len(res.Items) {
				t.Errorf("%q page %d: examined %d keys for %d members", q, pages, examined, len(res.Items))
			}
			t.Logf("%q page %d: examined %d keys for %d members", q, pages, examined, len(res.Items))
			if res.Next == "" {
				break
			}
			cursor = res.Next
		}
	}
}
