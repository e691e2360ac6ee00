package storetest

import (
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
)

// testMemberSearchMatchesBruteForce checks name search against a filter
// over every member: a roll of names made of a few common words (so that
// searches of common words and word pairs match many, in every scope),
// renamed, transferred and departed members among them, searched with
// many word sets in every scope, with and without a status filter, read
// page by page through the cursor. The order and the members must be those
// of the brute-force filter exactly.
func testMemberSearchMatchesBruteForce(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	rng := rand.New(rand.NewPCG(15, 5))
	family := []string{"Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Lê", "Phạm"}
	middle := []string{"Văn", "Thị", "Thị", "Đình", "Ngọc Thị", ""}
	given := []string{"An", "Hoa", "Bình", "Nguyên", "Thị", "Lê", "Hoà"}
	name := func() string {
		return strings.Join(strings.Fields(family[rng.IntN(len(family))]+" "+middle[rng.IntN(len(middle))]+" "+given[rng.IntN(len(given))]), " ")
	}
	branches := []*units.Unit{tr.a, tr.b, tr.c}
	byID := map[string]*members.Member{}
	var order []string
	for range 90 {
		m := mustMember(t, s, branches[rng.IntN(len(branches))], name(), "")
		byID[m.ID] = m
		order = append(order, m.ID)
	}
	update := func(m *members.Member, typ members.EventType, fn func(*members.Member)) {
		t.Helper()
		n, ev := next(m, typ, fn)
		if typ == members.Transferred {
			ev.On = civil.MustParse("2024-06-01")
		}
		if err := storeChange(s, m, n, ev); err != nil {
			t.Fatal(err)
		}
		byID[m.ID] = n
	}
	for i, id := range order[:30] {
		switch i % 3 {
		case 0: // renamed: the old name's keys must go
			update(byID[id], members.Updated, func(n *members.Member) { n.FullName = name() })
		case 1: // transferred: the old scope's keys must go
			to := branches[(slices.Index(branches, unitOf(tr, byID[id].BranchID))+1)%len(branches)]
			update(byID[id], members.Transferred, func(n *members.Member) { n.BranchID, n.Path = to.ID, to.Path })
		default:
			update(byID[id], members.LeftEvent, func(n *members.Member) {
				n.Status, n.LeftOn = members.Left, civil.MustParse("2025-01-01")
			})
		}
	}
	queries := []string{"nguyen", "thi", "van", "nguyen thi", "thi nguyen", "nguyen van", "le", "le thi", "thi le",
		"nguyen thi hoa", "le thi hoa", "nguyen ngoc thi an", "hoa", "thi thi", "nguyen le", "pham dinh binh", "tran an", "xyz", "nguyen xyz"}
	scopes := []*units.Unit{tr.root, tr.p34, tr.d336, tr.c12436, tr.a, tr.b, tr.p33}
	for _, q := range queries {
		words := members.SearchWords(q)
		for _, scope := range scopes {
			for _, statuses := range [][]members.Status{nil, {members.Active}} {
				var want []*members.Member
				for _, m := range byID {
					if slices.Contains(m.Path, scope.ID) && hasAll(m.NameWords(), words) &&
						(statuses == nil || slices.Contains(statuses, m.Status)) {
						want = append(want, m)
					}
				}
				sort.Slice(want, func(i, j int) bool { return want[i].SortKey() < want[j].SortKey() })
				got := searchAll(t, s, members.Query{Path: scope.Path, Words: words, Statuses: statuses})
				if !slices.Equal(got, idsOf(want)) {
					t.Errorf("%q in %s (statuses %v): got %d members %v, want %d %v", q, scope.Code, statuses, len(got), got, len(want), idsOf(want))
				}
			}
		}
	}
}

func unitOf(tr tree, id string) *units.Unit {
	for _, u := range []*units.Unit{tr.a, tr.b, tr.c} {
		if u.ID == id {
			return u
		}
	}
	return nil
}

func hasAll(have, words []string) bool {
	for _, w := range words {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

func idsOf(ms []*members.Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

// searchAll reads every page of q, four at a time, and returns the ids.
func searchAll(t *testing.T, s Store, q members.Query) []string {
	t.Helper()
	q.Page = page.Request{Limit: 4}
	out := []string{}
	for pages := 0; pages < 100; pages++ {
		res, err := s.ListMembers(ctx(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Items) > 4 {
			t.Fatalf("page of %d > limit", len(res.Items))
		}
		for _, m := range res.Items {
			out = append(out, m.ID)
		}
		if res.Next == "" {
			return out
		}
		q.Page.Cursor = res.Next
	}
	t.Fatal("pagination does not end")
	return nil
}
