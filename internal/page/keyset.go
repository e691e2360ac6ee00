package page

// Keyset is a page of a list read in the order of a unique key (a code, a
// username, a sort key): the store reads Fetch items after After, and Cut
// makes the page of them. Every store list pages this way, so the rules
// (the default limit, one more item to know whether another page follows,
// the cursor of the last item kept) are here once, not in each adapter.
type Keyset struct {
	Limit int    // the page size, DefaultLimit when the request has none
	After string // the key of the previous page's last item; "" at first
}

// Seek reads a request for a keyset list. A cursor that does not decode is
// an error (requests checked by Parse never carry one).
func Seek(r Request) (Keyset, error) {
	k := Keyset{Limit: r.Limit}
	if k.Limit < 1 {
		k.Limit = DefaultLimit
	}
	var err error
	k.After, err = Decode(r.Cursor)
	return k, err
}

// Fetch is how many items the store reads: one more than the page.
func (k Keyset) Fetch() int { return k.Limit + 1 }

// Cut is the page of items read with Fetch: at most Limit of them, and
// the cursor of the next page when there were more, made from key(i), the
// key of the i-th item.
func Cut[T any](k Keyset, items []T, key func(i int) string) Result[T] {
	if len(items) <= k.Limit {
		return Result[T]{Items: items}
	}
	return Result[T]{Items: items[:k.Limit], Next: Encode(key(k.Limit - 1))}
}
