package mongo_test

import (
	"testing"

	"github.com/sohoi/sohoi/internal/servicetest"
	store "github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/store/mongo/mongotest"
)

// TestRecordsScenario runs issue 20's service-level scenario (the same as
// on the embedded store, internal/servicetest) on FerretDB, and checks
// that every query it sent, GridFS's included, has a declared index.
func TestRecordsScenario(t *testing.T) {
	rec := mongotest.NewRecorder()
	servicetest.RecordsScenario(t, servicetest.OpenOn(t, openStore(t, ferretURI, rec)))
	for _, problem := range rec.Uncovered(store.Indexes) {
		t.Error(problem)
	}
	checkShardPlan(t, rec, false)
}

// TestRecordsAuditScenario: a change stored but answered with an error
// keeps its entry (decided from the stored record), one not stored is
// void, for each of issue 20's records.
func TestRecordsAuditScenario(t *testing.T) {
	servicetest.RecordsAuditScenario(t, servicetest.OpenOn(t, openStore(t, ferretURI, nil)))
}
