package storetest

import (
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
)

// listAll pages through a query with a small limit, failing on a member
// listed twice, and returns the names in the order listed.
func listAll(t *testing.T, s Store, q members.Query) []string {
	t.Helper()
	q.Page = page.Request{Limit: 3}
	seen := map[string]bool{}
	var names []string
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("pagination does not end")
		}
		res, err := s.ListMembers(ctx(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Items) > 3 {
			t.Fatalf("page of %d > limit", len(res.Items))
		}
		for _, m := range res.Items {
			if seen[m.ID] {
				t.Fatalf("%s listed twice", m.FullName)
			}
			seen[m.ID] = true
			names = append(names, m.FullName)
		}
		if res.Next == "" {
			return names
		}
		q.Page.Cursor = res.Next
	}
}

// inOrder sorts names by the official order, as a store must list them.
func inOrder(ms []*members.Member) []string {
	sorted := slices.Clone(ms)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].SortKey() < sorted[j].SortKey() })
	out := make([]string, len(sorted))
	for i, m := range sorted {
		out[i] = m.FullName
	}
	return out
}

func testMemberLists(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	var inA, inB, inC []*members.Member
	for _, n := range []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Đạt", "Vũ Thị Hà", "Đỗ Văn Giang"} {
		inA = append(inA, mustMember(t, s, tr.a, n, ""))
	}
	for _, n := range []string{"Bùi Thị Ánh", "Ngô Văn Bảo", "Đặng Thị Yến", "Nguyễn Văn An"} {
		inB = append(inB, mustMember(t, s, tr.b, n, ""))
	}
	for _, n := range []string{"Trương Văn Khoa", "Lý Thị Lan"} {
		inC = append(inC, mustMember(t, s, tr.c, n, ""))
	}
	// one who left, in branch B
	gone := inB[1]
	n, ev := next(gone, members.LeftEvent, func(n *members.Member) {
		n.Status, n.LeftOn = members.Left, civil.MustParse("2025-01-01")
	})
	if err := s.UpdateMember(ctx(), n, ev); err != nil {
		t.Fatal(err)
	}
	ab := append(slices.Clone(inA), inB...)
	all := append(slices.Clone(ab), inC...)
	cases := []struct {
		name string
		unit *units.Unit
		want []*members.Member
	}{
		{"a branch", tr.a, inA},
		{"another branch", tr.b, inB},
		{"a commune", tr.c12436, ab},
		{"a district", tr.d336, ab},
		{"a province", tr.p34, ab},
		{"the other province", tr.p33, inC},
		{"the root", tr.root, all},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := listAll(t, s, members.Query{Path: c.unit.Path})
			if want := inOrder(c.want); !slices.Equal(got, want) {
				t.Fatalf("got  %v\nwant %v", got, want)
			}
		})
	}
	t.Run("status filter", func(t *testing.T) {
		got := listAll(t, s, members.Query{Path: tr.c12436.Path, Statuses: []members.Status{members.Left}})
		if !slices.Equal(got, []string{gone.FullName}) {
			t.Fatalf("left: %v", got)
		}
		active := slices.DeleteFunc(slices.Clone(ab), func(m *members.Member) bool { return m.ID == gone.ID })
		got = listAll(t, s, members.Query{Path: tr.p34.Path, Statuses: []members.Status{members.Active}})
		if want := inOrder(active); !slices.Equal(got, want) {
			t.Fatalf("active: %v, want %v", got, want)
		}
	})
	t.Run("a brief list is the list without the periods", func(t *testing.T) {
		q := members.Query{Path: tr.c12436.Path, Page: page.Request{Limit: 50}}
		full, err := s.ListMembers(ctx(), q)
		if err != nil {
			t.Fatal(err)
		}
		q.Brief = true
		brief, err := s.ListMembers(ctx(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(full.Items) != len(ab) || len(brief.Items) != len(full.Items) {
			t.Fatalf("%d listed in full, %d brief, want %d", len(full.Items), len(brief.Items), len(ab))
		}
		for i, m := range full.Items {
			if len(m.Stints) == 0 {
				t.Fatalf("%s listed in full without periods", m.FullName)
			}
			b := brief.Items[i]
			if b.Stints != nil {
				t.Fatalf("%s listed brief with periods %v", b.FullName, b.Stints)
			}
			whole := *b
			whole.Stints = m.Stints
			if !reflect.DeepEqual(&whole, m) {
				t.Fatalf("brief %+v\nfull  %+v", b, m)
			}
		}
	})
	t.Run("an unknown unit lists nothing", func(t *testing.T) {
		if got := listAll(t, s, members.Query{Path: tr.p34.Path.Child("0000000000000000")}); len(got) != 0 {
			t.Fatalf("got %v", got)
		}
	})
}

func testMemberSearch(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	an := mustMember(t, s, tr.a, "Nguyễn Văn An", "")
	anB := mustMember(t, s, tr.b, "Nguyễn Văn An", "")
	mustMember(t, s, tr.a, "Nguyễn Thị Bình", "")
	trong := mustMember(t, s, tr.b, "Đỗ Đình Trọng", "")
	anC := mustMember(t, s, tr.c, "Nguyễn Văn An", "")
	nguyen := mustMember(t, s, tr.c, "Trần Văn Nguyên", "")
	cases := []struct {
		name  string
		unit  *units.Unit
		words []string
		want  []*members.Member
	}{
		{"two words in a province", tr.p34, []string{"nguyen", "van"}, []*members.Member{an, anB}},
		{"any word order", tr.p34, []string{"an", "nguyen"}, []*members.Member{an, anB}},
		{"folded đ", tr.d336, []string{"do", "dinh"}, []*members.Member{trong}},
		{"a branch", tr.a, []string{"nguyen", "van", "an"}, []*members.Member{an}},
		{"the other province, diacritics ignored", tr.p33, []string{"nguyen", "van"}, []*members.Member{anC, nguyen}},
		{"the whole tree", tr.root, []string{"an"}, []*members.Member{an, anB, anC}},
		{"whole words only", tr.root, []string{"nguy"}, nil},
		{"a miss", tr.p34, []string{"khong", "co"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := listAll(t, s, members.Query{Path: c.unit.Path, Words: c.words})
			if want := inOrder(c.want); !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
	}
	t.Run("a transferred member is found under the new branch only", func(t *testing.T) {
		on := civil.MustParse("2024-01-15")
		n, ev := next(trong, members.Transferred, func(n *members.Member) {
			n.BranchID, n.Path = tr.c.ID, tr.c.Path
		})
		ev.On = on
		if err := storeChange(s, trong, n, ev); err != nil {
			t.Fatal(err)
		}
		if got := listAll(t, s, members.Query{Path: tr.p34.Path, Words: []string{"trong"}}); len(got) != 0 {
			t.Fatalf("still found under the old province: %v", got)
		}
		if got := listAll(t, s, members.Query{Path: tr.p33.Path, Words: []string{"trong"}}); len(got) != 1 {
			t.Fatalf("not found under the new province: %v", got)
		}
	})
}
