package mongotest

// The static half of the sharding checker (docs/sharding.md §8): the
// declared indexes against the plan's shard keys, with no server.

import (
	"fmt"
	"slices"

	store "github.com/sohoi/sohoi/internal/store/mongo"
)

// IndexProblem is one way the declared indexes do not fit a shard key.
type IndexProblem struct {
	Collection string
	Kind       string // "unique" or "no shard-key index"
	Text       string
}

// ShardIndexProblems checks indexes against keys:
//   - every unique index of a sharded collection starts with the shard key
//     (MongoDB enforces uniqueness across shards only then, and
//     sh.shardCollection refuses a collection with another unique index);
//   - every shard key has a declared index that starts with its fields, or
//     is _id alone (the _id index). sh.shardCollection creates the key's
//     index on an empty collection; declaring it makes the adapter's
//     queries by the key pass the index checker, and a restore into an
//     unsharded database have it too.
func ShardIndexProblems(indexes []store.Index, keys []store.ShardKey) []IndexProblem {
	var out []IndexProblem
	for _, k := range keys {
		fields := k.Fields()
		hasIndex := slices.Equal(fields, []string{"_id"})
		for _, ix := range indexes {
			if ix.Collection != k.Collection {
				continue
			}
			starts := hasPrefix(indexFields(ix), fields)
			hasIndex = hasIndex || starts
			if ix.Unique && !starts {
				out = append(out, IndexProblem{k.Collection, "unique",
					fmt.Sprintf("unique index %s %v does not start with the shard key %v", ix.Name, ix.Keys, fields)})
			}
		}
		if !hasIndex {
			out = append(out, IndexProblem{k.Collection, "no shard-key index",
				fmt.Sprintf("no declared index starts with the shard key %v of %s", fields, k.Collection)})
		}
	}
	return out
}

func indexFields(ix store.Index) []string {
	out := make([]string, len(ix.Keys))
	for i, e := range ix.Keys {
		out[i] = e.Key
	}
	return out
}

func hasPrefix(s, prefix []string) bool {
	return len(s) >= len(prefix) && slices.Equal(s[:len(prefix)], prefix)
}
