package mongo_test

import (
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/servicetest"
	store "github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/store/mongo/mongotest"
)

// TestReformScenario runs issue 18's reform on real data
// (servicetest.ReformScenario, run whole on the embedded store) on
// FerretDB: a slice of Thái Bình and Hưng Yên (the first two communes of
// each of their first two districts, and the new communes that absorb
// them):
// FerretDB v1 uses no indexes, and each audited write there reads the
// audit chain's tail by a scan, so the whole of both provinces would take
// hours (two whole districts of each, 78 communes, took eight minutes). It
// checks that every command the
// restructure and the past days' counting sent has a declared index.
func TestReformScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds two provinces' slices")
	}
	rec := mongotest.NewRecorder()
	start := time.Now()
	servicetest.ReformScenario(t, servicetest.OpenOn(t, openStore(t, ferretURI, rec)),
		servicetest.ReformSpec{Districts: 2, Communes: 2, Members: 200})
	t.Logf("the reform scenario on FerretDB took %s", time.Since(start).Round(time.Second))
	for _, problem := range rec.Uncovered(store.Indexes) {
		t.Error(problem)
	}
	checkShardPlan(t, rec, false)
}

// TestMergeResumedScenario: a merge interrupted after 0, 1 and 3 path
// rewrites and asked for again ends as an uninterrupted one, on FerretDB
// (servicetest.MergeResumedScenario, run on the embedded store too).
func TestMergeResumedScenario(t *testing.T) {
	rec := mongotest.NewRecorder()
	servicetest.MergeResumedScenario(t, func(t *testing.T, wrap func(app.Store) app.Store) *servicetest.Services {
		db := openStore(t, ferretURI, rec)
		if wrap == nil {
			return servicetest.OpenOn(t, db)
		}
		return servicetest.OpenOn(t, wrap(db))
	})
	for _, problem := range rec.Uncovered(store.Indexes) {
		t.Error(problem)
	}
	checkShardPlan(t, rec, false)
}
