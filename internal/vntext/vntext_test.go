package vntext

import (
	"bytes"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"slices"
	"sort"
	"testing"
)

func TestFoldAndWords(t *testing.T) {
	cases := []struct {
		in    string
		fold  string
		words []string
	}{
		{"Nguyễn Văn An", "nguyen van an", []string{"nguyen", "van", "an"}},
		{"Đỗ Đình Trọng", "do dinh trong", []string{"do", "dinh", "trong"}},
		{"Ngu\u0302\u0303yen", "nguyen", []string{"nguyen"}}, // decomposed input
		{"TRẦN THỊ BÌNH", "tran thi binh", []string{"tran", "thi", "binh"}},
		{"Lê Lê-Hồng", "le le-hong", []string{"le", "hong"}},
		{"", "", nil},
	}
	for _, c := range cases {
		if got := Fold(c.in); got != c.fold {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.fold)
		}
		if got := Words(c.in); !slices.Equal(got, c.words) {
			t.Errorf("Words(%q) = %v, want %v", c.in, got, c.words)
		}
	}
}

func TestClean(t *testing.T) {
	if got := Clean("  Nguye\u0302\u0303n   Văn\tAn "); got != "Nguyễn Văn An" {
		t.Fatalf("got %q", got)
	}
}

// Official lists sort by the given name, then family and middle names, in
// Vietnamese order (a < ă < â < b < … < d < đ < e < ê …).
func TestSortKeyOrder(t *testing.T) {
	want := []string{
		"Nguyễn Văn An",
		"Trần Thị Ánh",
		"Lê Văn Ân",
		"Phạm Thị Bình",
		"Vũ Đức Dũng",
		"Hoàng Văn Đạt",
		"Bùi Thị Hà",
		"Nguyễn Thị Hạnh",
		"Đỗ Đình Trọng",
		"Trần Văn Trọng",
	}
	got := slices.Clone(want)
	slices.Reverse(got)
	keys := map[string]string{}
	for i, n := range got {
		keys[n] = SortKey(n, string(rune('a'+i)))
	}
	sort.Slice(got, func(i, j int) bool { return keys[got[i]] < keys[got[j]] })
	if !slices.Equal(got, want) {
		t.Fatalf("order:\n%v\nwant:\n%v", got, want)
	}
	// Same name: the id breaks the tie, so keys are unique.
	if SortKey("Nguyễn Văn An", "a") >= SortKey("Nguyễn Văn An", "b") {
		t.Fatal("ties are not broken by id")
	}
	// A name that is a prefix of another comes first.
	if SortKey("Lê An", "z") >= SortKey("Lê Anh", "a") {
		t.Fatal("prefix does not come first")
	}
}

// Keys are repeated in indexes of a million members: keep them short.
func TestSortKeyIsCompact(t *testing.T) {
	if k := SortKey("Nguyễn Thị Phương Thảo", "0123456789abcdef"); len(k) > 110 {
		t.Fatalf("key of %d bytes: %s", len(k), k)
	}
}

// compact must order keys exactly as the collator does.
func TestCompactKeepsOrder(t *testing.T) {
	names := []string{"An", "Ân", "Ăn", "Án", "Àn", "Ản", "Ãn", "Ạn", "Anh", "Ánh", "Ba", "Bà", "Bá", "Bả", "Bã", "Bạ",
		"Đa", "Da", "Dạ", "Hà", "Hạ", "Ha", "Thảo", "Thao", "Tháo", "Ư", "U", "Ứ", "Ơ", "O", "Ô", "Ố"}
	c := collate.New(language.Vietnamese, collate.IgnoreCase)
	for _, a := range names {
		for _, b := range names {
			var buf collate.Buffer
			ka := append([]byte(nil), c.KeyFromString(&buf, a)...)
			kb := c.KeyFromString(&buf, b)
			want := bytes.Compare(ka, kb)
			got := bytes.Compare(compact(ka), compact(kb))
			if (want < 0) != (got < 0) || (want > 0) != (got > 0) {
				t.Errorf("%s vs %s: collator %d, compact %d", a, b, want, got)
			}
		}
	}
}

// Fold runs for every name stored, searched and imported.
func BenchmarkFold(b *testing.B) {
	for b.Loop() {
		Fold("Nguyễn Thị Thanh Hương")
	}
}

// Folding from many goroutines at once gives each its own chain.
func TestFoldConcurrently(t *testing.T) {
	done := make(chan bool)
	for range 8 {
		go func() {
			ok := true
			for range 500 {
				ok = ok && Fold("Đỗ Đình Trọng") == "do dinh trong" && Fold("Phạm THỊ Hoa") == "pham thi hoa"
			}
			done <- ok
		}()
	}
	for range 8 {
		if !<-done {
			t.Fatal("a concurrent Fold gave a wrong answer")
		}
	}
}
