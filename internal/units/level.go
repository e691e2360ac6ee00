package units

// Level is a unit's place in the hierarchy.
type Level string

const (
	Central  Level = "central"
	Province Level = "province"
	District Level = "district"
	Commune  Level = "commune"
	Branch   Level = "branch"
)

var levelRank = map[Level]int{Central: 0, Province: 1, District: 2, Commune: 3, Branch: 4}

// Valid reports whether l is one of the five levels.
func (l Level) Valid() bool { _, ok := levelRank[l]; return ok }

// Below reports whether l is strictly below parent. Levels may be skipped:
// since the 2025 reform a commune sits directly under a province.
func (l Level) Below(parent Level) bool {
	return l.Valid() && parent.Valid() && levelRank[l] > levelRank[parent]
}

// HoldsMembers reports whether units of this level keep a member roll.
// Only branches do, and branches have no children.
func (l Level) HoldsMembers() bool { return l == Branch }
