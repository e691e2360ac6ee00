package mongo_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	store "github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/store/mongo/mongotest"
)

// ferretURI is the one in-process FerretDB (v1, SQLite backend) that the
// package's tests share; each test uses its own database in it.
var ferretURI string

// mongoURIEnv names a real MongoDB to run the contract against as well.
const mongoURIEnv = "SOHOI_TEST_MONGODB_URI"

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

var dbSeq atomic.Int64

// newDBName is a fresh database name: t_<counter>_<random>, so that runs
// against a shared real MongoDB never collide.
func newDBName() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("t_%d_%s", dbSeq.Add(1), hex.EncodeToString(b))
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// openStore opens a store on a fresh database of uri, recording its
// commands in rec (when not nil); the database is dropped after the test.
func openStore(t *testing.T, uri string, rec *mongotest.Recorder) *store.DB {
	t.Helper()
	return openStoreIn(t, uri, newDBName(), rec)
}

// openStoreIn is openStore on the database name.
func openStoreIn(t *testing.T, uri, name string, rec *mongotest.Recorder) *store.DB {
	t.Helper()
	o := store.Options{URI: uri, Database: name}
	if rec != nil {
		o.Monitor = rec.Monitor()
	}
	db, err := store.Open(testCtx(t), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		dropDatabase(t, uri, name)
	})
	return db
}

// connect returns a plain client, disconnected after the test.
func connect(t *testing.T, uri string, opts ...*options.ClientOptions) *driver.Client {
	t.Helper()
	c, err := driver.Connect(append([]*options.ClientOptions{options.Client().ApplyURI(uri)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return c
}

func dropDatabase(t *testing.T, uri, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := driver.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		t.Errorf("dropping %s: %v", name, err)
		return
	}
	defer c.Disconnect(ctx)
	if err := c.Database(name).Drop(ctx); err != nil {
		t.Errorf("dropping %s: %v", name, err)
	}
}
