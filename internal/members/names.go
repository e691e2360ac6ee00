package members

import "github.com/sohoi/sohoi/internal/vntext"

func nameWords(name string) []string { return vntext.Words(name) }

func sortKey(name, id string) string { return vntext.SortKey(name, id) }

// SearchWords turns a ?q= query into the folded words a name must contain.
func SearchWords(q string) []string { return vntext.Words(q) }

// IsCursorKey reports whether key is a sort key a roll page could have
// ended on: the cursor of member lists.
func IsCursorKey(key string) bool { return vntext.IsSortKey(key) }
