package sqlite_test

import (
	"context"
	"testing"

	"github.com/sohoi/sohoi/internal/store/sqlite"
	"github.com/sohoi/sohoi/internal/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		db, err := sqlite.Open(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
