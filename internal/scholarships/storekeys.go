package scholarships

// ListKey orders awards by date then id; it is also the list's cursor
// (computed here once so that both store adapters list alike).
func ListKey(a *Award) string { return a.Date.String() + "|" + a.ID }
