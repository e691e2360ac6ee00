package vntext

import "strings"

// IsSortKey reports whether s has the shape SortKey writes: the collation
// key in sortable64, '!', then an id of lowercase letters and digits. It
// lets a list refuse a page cursor it cannot have issued.
func IsSortKey(s string) bool {
	key, id, ok := strings.Cut(s, "!")
	if !ok || id == "" || len(s) > 1024 {
		return false
	}
	for _, r := range key {
		if !strings.ContainsRune(sortableAlphabet, r) {
			return false
		}
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z') {
			return false
		}
	}
	return true
}
