package app

import (
	"maps"
	"sync"
)

// What a Server starts beside the work asked of it, as Started names them.
const (
	StartedHTTP         = "http listener"
	StartedMetricsHTTP  = "metrics listener"
	StartedSettler      = "settler"
	StartedMonthClose   = "month close"
	StartedPurgeRefresh = "refresh-token purge"
	StartedAuditRepair  = "audit repair"
	StartedImports      = "import jobs"
)

var (
	startedMu sync.Mutex
	started   = map[string]int{}
)

// Started counts, by name, the listeners and background jobs this process
// has started. Only a Server starts any: a tool built on a Core does its
// own work and nothing beside it, and cmd/sohoi's tests check that by
// this count (an observable, not a promise in a comment).
func Started() map[string]int {
	startedMu.Lock()
	defer startedMu.Unlock()
	return maps.Clone(started)
}

func noteStarted(name string) {
	startedMu.Lock()
	defer startedMu.Unlock()
	started[name]++
}
