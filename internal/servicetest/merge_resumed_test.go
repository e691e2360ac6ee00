package servicetest_test

import (
	"context"
	"testing"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/servicetest"
	"github.com/sohoi/sohoi/internal/store/sqlite"
)

// TestMergeResumed runs the interrupted-merge scenario on the embedded
// store (internal/store/mongo runs it on FerretDB).
func TestMergeResumed(t *testing.T) {
	servicetest.MergeResumedScenario(t, func(t *testing.T, wrap func(app.Store) app.Store) *servicetest.Services {
		db, err := sqlite.Open(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		if wrap == nil {
			return servicetest.OpenOn(t, db)
		}
		return servicetest.OpenOn(t, wrap(db))
	})
}
