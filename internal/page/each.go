package page

// Each calls fn with every item of a paged list, asking list for pages
// of MaxLimit until one has no next cursor: the walk over a unit's
// children that counting, the tree's history, imports and the demo each
// need, written once.
func Each[T any](list func(Request) (Result[T], error), fn func(T) error) error {
	p := Request{Limit: MaxLimit}
	for {
		res, err := list(p)
		if err != nil {
			return err
		}
		for _, it := range res.Items {
			if err := fn(it); err != nil {
				return err
			}
		}
		if res.Next == "" {
			return nil
		}
		p.Cursor = res.Next
	}
}
