package mongo_test

// The sharding plan's to-do list (docs/sharding.md §8, "What would fail
// today"): every shape of command the adapter sends that breaks the plan,
// with the methods that send it. Empty since 2026-12-04, when members
// gained their province as counters and marks had that morning: every
// command on a sharded collection names its shard key or a declared
// scatter. The contract run (TestContract) fails on a miss not listed
// here, and on an entry here that no longer happens or now fits; keep the
// list for a miss a later change may have to accept for a while.

// knownMiss is one shape (mongotest.Sent.Key) and who sends it.
type knownMiss struct {
	key     string
	methods string
}

var knownMisses = []knownMiss{
	// members (§4.1): none since 2026-12-04, when they gained their
	// province (member_docs.go, member_where.go, member_moves.go).
	// counters (§4.3) and staleMarks (§4.4): none since 2026-12-04, when
	// they gained the province (rollups.go, counters.go, marks.go).
}

// scattersNotYetSent are declared scatters of the plan's layout that the
// adapter cannot send yet: none since members carry their province.
var scattersNotYetSent []string
