package mongo

// The sharding plan (docs/sharding.md §2, §4) as data: which collections a
// sharded deployment shards and by which key, and which commands are
// allowed to reach every shard. The tests check every command the adapter
// sends against it (mongotest/shardplan.go, docs/sharding.md §8); an
// operator's setup is printed from it (ShardCollectionCommands). Nothing
// here changes what the adapter sends. Counters and marks have the plan's
// layout (rollups.go); members do not have theirs yet, and the tests list
// today's misses as known (shardplan_known_test.go).

import (
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// ShardKey is one sharded collection's key. A value of "hashed" makes the
// field hashed (at most one, MongoDB's rule); 1 a range field.
type ShardKey struct {
	Collection string
	Keys       bson.D
	Unique     bool
}

// Fields are the key's field names, in order.
func (k ShardKey) Fields() []string {
	out := make([]string, len(k.Keys))
	for i, e := range k.Keys {
		out[i] = e.Key
	}
	return out
}

// Hashed reports whether field is hashed in the key.
func (k ShardKey) Hashed(field string) bool {
	for _, e := range k.Keys {
		if e.Key == field {
			return e.Value == "hashed"
		}
	}
	return false
}

// ShardKeys are the plan's sharded collections (docs/sharding.md §2); every
// other collection stays unsharded on the database's primary shard, where
// every command is targeted.
var ShardKeys = []ShardKey{
	// Every roll, search, count and import is within a province; memberId
	// lets a province split into chunks. Unique: a member has at most one
	// document per province (the plan's _id is "<province>:<member id>").
	{Collection: collMembers, Keys: bson.D{{Key: "province", Value: 1}, {Key: "memberId", Value: 1}}, Unique: true},
	// Every command on a claim is by _id (the national ID).
	{Collection: collNationalIDs, Keys: bson.D{{Key: "_id", Value: "hashed"}}},
	// Read by unit ranges within a province, written by the settler.
	{Collection: collCounters, Keys: bson.D{{Key: "province", Value: 1}, {Key: "_id", Value: 1}}},
	// Written with every member change: they follow the members' shard.
	{Collection: collMarks, Keys: bson.D{{Key: "province", Value: 1}, {Key: "_id", Value: 1}}},
	// One hash chain numbered by one sequence: equal numbers must meet on
	// one shard so that the _id index refuses a number used twice (§4.5).
	{Collection: collAudit, Keys: bson.D{{Key: "_id", Value: "hashed"}}},
	// Every query is one job's rows in order; row lets a job split.
	{Collection: collImportRows, Keys: bson.D{{Key: "job", Value: "hashed"}, {Key: "row", Value: 1}}},
	// Chunks of uploaded files, read by _id only.
	{Collection: collImportFile, Keys: bson.D{{Key: "_id", Value: "hashed"}}},
}

// ShardKeyOf returns coll's shard key, or false when coll is unsharded.
func ShardKeyOf(coll string) (ShardKey, bool) {
	for _, k := range ShardKeys {
		if k.Collection == coll {
			return k, true
		}
	}
	return ShardKey{}, false
}

// ScatterPrefix starts the comment that names a declared scatter:
// comment "scatter:audit.list" on the command.
const ScatterPrefix = "scatter:"

// Scatter is a command allowed to reach every shard of a sharded
// collection: named (the adapter sends comment ScatterPrefix+Name, which
// also finds it in the server's slow-query log), shaped and bounded.
type Scatter struct {
	Name    string
	Command string   // find, update, …
	Coll    string   // the collection
	Fields  []string // the filter's fields, sorted, as the checker sees them
	Bound   string   // how far it reaches, and how often
}

// Scatters are the plan's deliberate scatters (docs/sharding.md §4); a
// name may have several shapes (one entry each) when one method sends
// several commands to every shard. The
// members' ones are the plan's shapes (with province): the adapter sends
// none of them yet; the tests list those as not yet sent.
var Scatters = []Scatter{
	// §4.1 members.
	{Name: "members.by-id", Command: "find", Coll: collMembers, Fields: []string{"memberId", "province"},
		Bound: "every shard, one probe of the shard-key index each, per member read by a national caller or a system job"},
	{Name: "members.national-list", Command: "find", Coll: collMembers, Fields: []string{"path", "province", "sortKey", "status"},
		Bound: "every shard returns at most a page, mongos merges by sortKey; per page of the root's roll"},
	{Name: "members.national-search", Command: "find", Coll: collMembers, Fields: []string{"province", "scopeWords", "sortKey", "status"},
		Bound: "every shard, a page each; per search at the root"},
	{Name: "members.national-import-names", Command: "find", Coll: collMembers, Fields: []string{"nameKey", "path", "province"},
		Bound: "every shard, once per batch of rows of an import at the root"},
	{Name: "members.national-past-day", Command: "find", Coll: collMembers, Fields: []string{"province", "stints.from"},
		Bound: "every shard, one index range each, per national figure of a past day that is not a kept month end (rare)"},
	{Name: "members.national-past-day", Command: "find", Coll: collMembers, Fields: []string{"province", "stints.to"},
		Bound: "its second range: the periods that ended in the window"},
	// The members' data steps (search_keys.go walkMembers): pages by _id.
	{Name: "members.migration-walk", Command: "find", Coll: collMembers, Fields: []string{"_id"},
		Bound: "every shard, every member once, per data step: run once, before a database is sharded (§9), never after"},
	// §4.3 counters (counters.go): the provinces' own counters, and a
	// reconcile's drop of the kept days of the whole tree.
	{Name: "counters.provinces", Command: "find", Coll: collCounters, Fields: []string{"day", "parentId", "province"},
		Bound: "every shard, at most 63 small documents in all, per national rollup"},
	{Name: "counters.national-reconcile", Command: "find", Coll: collCounters, Fields: []string{"day", "path", "province"},
		Bound: "every shard, once per kept day per reconcile run from the root"},
	// §4.4 staleMarks (marks.go): MarksUnder and AnyMarkUnder of the root,
	// two index ranges (the day's marks, the onward ones).
	{Name: "marks.settler", Command: "find", Coll: collMarks, Fields: []string{"day", "path", "pending", "province"},
		Bound: "every shard, per day per settler round (run by one instance), per reconcile from the root, and one mark at most per national read (AnyMarkUnder)"},
	{Name: "marks.settler", Command: "find", Coll: collMarks, Fields: []string{"day", "path", "province"},
		Bound: "its second range: the onward marks"},
	// §4.5 audit: the scans of the one chain.
	{Name: "audit.last-sealed", Command: "find", Coll: collAudit, Fields: []string{"sealed"},
		Bound: "every shard, one index probe, once per process start (and per repair)"},
	{Name: "audit.seal-page", Command: "find", Coll: collAudit, Fields: []string{"_id"},
		Bound: "every shard, a page of at most 100, after every audited write (and per page of a repair)"},
	{Name: "audit.pending", Command: "find", Coll: collAudit, Fields: []string{"at", "state"},
		Bound: "every shard, a page, at start and in audit verify"},
	// ListAudit: its keys, and the page's _id and the time window when given.
	{Name: "audit.list", Command: "find", Coll: collAudit, Fields: []string{"keys"},
		Bound: "every shard, a page each, per request of an auditor (rare)"},
	{Name: "audit.list", Command: "find", Coll: collAudit, Fields: []string{"_id", "keys"}, Bound: "as above"},
	{Name: "audit.list", Command: "find", Coll: collAudit, Fields: []string{"at", "keys"}, Bound: "as above"},
	{Name: "audit.list", Command: "find", Coll: collAudit, Fields: []string{"_id", "at", "keys"}, Bound: "as above"},
	{Name: "audit.chain", Command: "find", Coll: collAudit, Fields: []string{"_id"},
		Bound: "every shard, per page of audit verify"},
}

// ScatterComment is the comment the adapter sends with the scatter name.
func ScatterComment(name string) string { return ScatterPrefix + name }

// ShardCollectionCommands are the mongosh commands that shard the plan's
// collections of database dbName (docs/sharding.md §9, step 3: on the
// cluster, before any data, after the zones).
func ShardCollectionCommands(dbName string) []string {
	out := make([]string, 0, len(ShardKeys))
	for _, k := range ShardKeys {
		parts := make([]string, len(k.Keys))
		for i, e := range k.Keys {
			v := fmt.Sprint(e.Value)
			if s, ok := e.Value.(string); ok {
				v = fmt.Sprintf("%q", s)
			}
			parts[i] = fmt.Sprintf("%s: %s", jsKey(e.Key), v)
		}
		cmd := fmt.Sprintf("sh.shardCollection(%q, {%s}", dbName+"."+k.Collection, strings.Join(parts, ", "))
		if k.Unique {
			cmd += ", true"
		}
		out = append(out, cmd+")")
	}
	return out
}

// jsKey quotes a key that is not a plain identifier.
func jsKey(k string) string {
	if strings.ContainsAny(k, ".-") {
		return fmt.Sprintf("%q", k)
	}
	return k
}
