package mongo_test

import (
	"slices"
	"testing"

	store "github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/store/mongo/mongotest"
)

// checkShardPlan checks what rec recorded against the sharding plan
// (docs/sharding.md §8): a command that breaks it fails the test unless it
// is a known miss (shardplan_known_test.go). With complete set, rec holds
// a whole contract run, and the lists are checked the other way too: a
// known miss that no longer happens, or a declared scatter nobody sends,
// is stale and fails, so the lists shrink as the plan's work lands.
func checkShardPlan(t *testing.T, rec *mongotest.Recorder, complete bool) {
	t.Helper()
	rep, err := rec.ShardReport(store.ShardKeys, store.Scatters)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, m := range knownMisses {
		if known[m.key] {
			t.Errorf("known miss listed twice: %s", m.key)
		}
		known[m.key] = true
	}
	for _, v := range rep.Violations() {
		if !known[v.Key()] {
			t.Errorf("breaks the sharding plan: %s\n\t%s\n\te.g. %s", v.Key(), v.Problem, v.Example)
		}
	}
	if !complete {
		return
	}
	if rep.Databases == 0 {
		t.Error("rule 5 knew no database's provinces: it checked nothing (are units' inserts recorded with their $db?)")
	}
	for _, m := range knownMisses {
		switch s, sent := rep.Sent[m.key]; {
		case !sent:
			t.Errorf("stale known miss (%s): no longer sent: %s", m.methods, m.key)
		case s.Problem == "":
			t.Errorf("stale known miss (%s): now fits the plan, remove it from the list: %s", m.methods, m.key)
		}
	}
	for _, name := range declaredScatterNames() {
		n := rep.Scatters[name]
		switch notYet := slices.Contains(scattersNotYetSent, name); {
		case n == 0 && !notYet:
			t.Errorf("stale scatter: %s is declared but never sent", name)
		case n > 0 && notYet:
			t.Errorf("scatter %s is sent now (%d times): remove it from scattersNotYetSent", name, n)
		}
	}
	for _, name := range scattersNotYetSent {
		if !slices.Contains(declaredScatterNames(), name) {
			t.Errorf("scattersNotYetSent lists %s, which the plan does not declare", name)
		}
	}
	t.Logf("sharding plan: %d shapes sent to sharded collections, %d known misses, scatters sent %v",
		len(rep.Sent), len(knownMisses), rep.Scatters)
}

// declaredScatterNames are the plan's scatter names, once each.
func declaredScatterNames() []string {
	var out []string
	for _, s := range store.Scatters {
		if !slices.Contains(out, s.Name) {
			out = append(out, s.Name)
		}
	}
	return out
}
