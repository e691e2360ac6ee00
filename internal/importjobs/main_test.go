package importjobs_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/servicetest"
	"github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/store/mongo/mongotest"
)

// ferretURI is an in-process FerretDB, so that the import tests run on
// MongoDB's adapter as well as on the embedded store.
var ferretURI string

func TestMain(m *testing.M) {
	uri, stop, err := mongotest.StartFerretDB()
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting FerretDB:", err)
		os.Exit(1)
	}
	ferretURI = uri
	code := m.Run()
	stop()
	os.Exit(code)
}

// stores are the two stores every import test runs on.
var stores = []struct {
	name string
	open func(testing.TB) *servicetest.Services
}{
	{"sqlite", servicetest.Open},
	{"mongo", openMongo},
}

func openMongo(t testing.TB) *servicetest.Services {
	t.Helper()
	db, err := mongo.Open(context.Background(), mongo.Options{URI: ferretURI, Database: "imports_" + ids.New()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return servicetest.OpenOn(t, db)
}
