package members

import (
	"slices"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Provinces says where a store looks a member up by id (GetMember,
// MemberHistory): a sharded MongoDB keeps each member in its province's
// shard (docs/sharding.md §3, §4.1) and without a province would ask every
// shard. A caller whose grants all lie within provinces cannot see a
// member outside them anyway, so looking only there changes no answer;
// a national caller and the system's jobs look everywhere. SQLite ignores
// it.
type Provinces struct {
	ids []string
	all bool
}

// Everywhere is every province: for national callers and system jobs.
var Everywhere = Provinces{all: true}

// InProvinces is the given provinces only (unit ids at path[1]; the root's
// own records have the root's id).
func InProvinces(ids ...string) Provinces {
	var out []string
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return Provinces{ids: out}
}

// InProvinceOf is the province of the unit at path; Everywhere for the root
// (whose subtree is every province).
func InProvinceOf(path unitpath.Path) Provinces {
	if len(path) <= 1 {
		return Everywhere
	}
	return InProvinces(path.Province())
}

// ProvincesOf is where caller c can see members: every province for the
// system and for a grant at the root, else the provinces of its grants
// (none for a caller without grants, who sees nobody).
func ProvincesOf(c *access.Caller) Provinces {
	if c.IsSystem() {
		return Everywhere
	}
	var ids []string
	for _, g := range c.Scope.Grants {
		if len(g.Path) <= 1 {
			return Everywhere
		}
		ids = append(ids, g.Path.Province())
	}
	return InProvinces(ids...)
}

// All reports whether every province is meant.
func (p Provinces) All() bool { return p.all }

// IDs are the provinces meant when not All (a copy).
func (p Provinces) IDs() []string { return slices.Clone(p.ids) }

// Has reports whether the province is meant.
func (p Provinces) Has(province string) bool { return p.all || slices.Contains(p.ids, province) }
