package page

import (
	"slices"
	"testing"
)

func TestKeyset(t *testing.T) {
	items := []string{"a", "b", "c", "d"}
	cases := []struct {
		name      string
		req       Request
		fetch     int
		after     string
		read      []string
		wantItems []string
		wantNext  string
	}{
		{"default limit", Request{}, DefaultLimit + 1, "", items, items, ""},
		{"a full page and more", Request{Limit: 3}, 4, "", items, items[:3], Encode("c")},
		{"exactly a page", Request{Limit: 4}, 5, "", items, items, ""},
		{"after a cursor", Request{Limit: 2, Cursor: Encode("b")}, 3, "b", items[2:], items[2:], ""},
		{"nothing", Request{Limit: 2}, 3, "", nil, nil, ""},
	}
	for _, c := range cases {
		k, err := Seek(c.req)
		if err != nil || k.Fetch() != c.fetch || k.After != c.after {
			t.Errorf("%s: %+v fetch %d, %v", c.name, k, k.Fetch(), err)
			continue
		}
		read := c.read
		got := Cut(k, read, func(i int) string { return read[i] })
		if !slices.Equal(got.Items, c.wantItems) || got.Next != c.wantNext {
			t.Errorf("%s: %v next %q, want %v next %q", c.name, got.Items, got.Next, c.wantItems, c.wantNext)
		}
	}
	if _, err := Seek(Request{Cursor: "%%%"}); err == nil {
		t.Error("a cursor that does not decode is accepted")
	}
}
