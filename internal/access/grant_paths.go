package access

import "github.com/sohoi/sohoi/internal/unitpath"

// GrantUnits is every unit on the path of every grant, once, in the order
// met: the units under which a store files a user, so that "users with a
// grant at or below X" is one indexed lookup of X (SQLite's
// user_grant_units rows, Mongo's grantUnits). Never nil.
func GrantUnits(gs []Grant) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, g := range gs {
		for _, id := range g.Path {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}

// RebaseGrants is gs with every grant path inside the subtree from moved to
// to (units.PathRewriter), and whether any changed. gs is not modified.
func RebaseGrants(gs []Grant, from, to unitpath.Path) ([]Grant, bool) {
	out, changed := make([]Grant, len(gs)), false
	for i, g := range gs {
		if p, ok := g.Path.Rebase(from, to); ok {
			g.Path, changed = p, true
		}
		out[i] = g
	}
	return out, changed
}
