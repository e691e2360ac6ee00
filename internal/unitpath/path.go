// Package unitpath is where a unit stands in the tree: its Path. It imports
// nothing of sohoi, so that every package (access, units, the stores) can
// use the one path type without an import cycle.
package unitpath

import (
	"slices"
	"strings"
)

// Path is where a unit stands in the tree: the ids of its ancestors and of
// the unit itself, root first. It is the one unit path of sohoi: every
// record that must know what lies above it (a unit, a member's branch, a
// grant, an officer board, a counter, a mark) carries a Path under the name
// "path" in both stores, so that moving a subtree has one thing to rewrite
// (Store.RewritePaths in the store packages). The root's path is [root].
type Path []string

// Unit is the id of the unit the path leads to; "" for an empty path.
func (p Path) Unit() string {
	if len(p) == 0 {
		return ""
	}
	return p[len(p)-1]
}

// Parent is the path of the unit's parent; nil for the root.
func (p Path) Parent() Path {
	if len(p) < 2 {
		return nil
	}
	return p[: len(p)-1 : len(p)-1]
}

// Depth is the number of ancestors: 0 for the root.
func (p Path) Depth() int { return len(p) - 1 }

// Contains reports whether id is the unit or one of its ancestors: whether
// a grant or a figure at id covers the unit.
func (p Path) Contains(id string) bool { return slices.Contains(p, id) }

// IsWithin reports whether the unit lies in the subtree whose top has path
// top (the top itself included).
func (p Path) IsWithin(top Path) bool {
	return len(top) > 0 && len(p) >= len(top) && slices.Equal(p[:len(top)], top)
}

// Child is the path of a child id of the unit: a new slice, never sharing
// p's backing array.
func (p Path) Child(id string) Path {
	return append(p[:len(p):len(p)], id)
}

// Rebase is p with the prefix from replaced by to, when p lies within from:
// where a unit of a subtree moved from from to to now stands.
func (p Path) Rebase(from, to Path) (Path, bool) {
	if !p.IsWithin(from) {
		return p, false
	}
	out := make(Path, 0, len(to)+len(p)-len(from))
	return append(append(out, to...), p[len(from):]...), true
}

// Key encodes the path as "/a/b/c/": the keys of a subtree are exactly the
// strings that start with its top's key, so a subtree is one prefix range
// in an ordered index (SQLite's path columns).
func (p Path) Key() string { return "/" + strings.Join(p, "/") + "/" }

// ParseKey reads a Key back; "" and "/" are the empty path.
func ParseKey(key string) Path {
	key = strings.Trim(key, "/")
	if key == "" {
		return nil
	}
	return strings.Split(key, "/")
}

// Province is the id of the province the unit lies in: path[1], the root's
// child on the path; the root's own is the root's id, and "" an empty
// path's. A sharded store keys a unit's records by it (docs/sharding.md §2).
func (p Path) Province() string {
	switch {
	case len(p) > 1:
		return p[1]
	case len(p) == 1:
		return p[0]
	}
	return ""
}
