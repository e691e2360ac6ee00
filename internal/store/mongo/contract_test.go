package mongo_test

import (
	"os"
	"testing"

	store "github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/store/mongo/mongotest"
	"github.com/sohoi/sohoi/internal/store/storetest"
)

// TestContract runs the store contract on FerretDB, then checks that every
// query it sent has a declared index behind it.
func TestContract(t *testing.T) { runContract(t, ferretURI) }

// TestContractMongoDB runs the same on a real MongoDB, when there is one.
func TestContractMongoDB(t *testing.T) {
	uri := os.Getenv(mongoURIEnv)
	if uri == "" {
		t.Skip(mongoURIEnv + " is not set")
	}
	runContract(t, uri)
}

func runContract(t *testing.T, uri string) {
	rec := mongotest.NewRecorder()
	storetest.Run(t, func(t *testing.T) storetest.Store { return openStore(t, uri, rec) })

	t.Run("IndexCoverage", func(t *testing.T) {
		counts := rec.Counts()
		t.Logf("commands sent: %v", counts)
		// The recorder must have seen the queries, or an empty report
		// proves nothing.
		for _, name := range []string{"find", "update", "findAndModify", "delete", "createIndexes"} {
			if counts[name] == 0 {
				t.Errorf("no %s command recorded", name)
			}
		}
		for _, problem := range rec.Uncovered(store.Indexes) {
			t.Error(problem)
		}
	})
	t.Run("ShardPlan", func(t *testing.T) { checkShardPlan(t, rec, true) })
}
