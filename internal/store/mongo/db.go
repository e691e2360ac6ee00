// Package mongo is the MongoDB store. It implements the same interfaces as
// internal/store/sqlite and passes the same contract (internal/store/
// storetest), within what MongoDB and FerretDB v1 both accept:
//
//   - no multi-document transactions (standalone servers and FerretDB have
//     none): a compare-and-swap is one single-document update guarded by
//     the version in its filter, and every write of several steps is safe
//     to run again after a failure part-way;
//   - every query is served by an index from Indexes, which is also what
//     createIndexes builds at start (checked in the tests by mongotest/indexcheck.go).
package mongo

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"
)

// Options says where the database is.
type Options struct {
	// URI is a MongoDB connection string.
	URI string
	// Database is the database name; when empty, the one in URI's path.
	Database string
	// Monitor, when set, sees every command the client sends (the tests
	// record them to check index coverage).
	Monitor *event.CommandMonitor
	// Client, when set, is used instead of connecting to URI (Monitor is
	// then ignored), and Close leaves it connected: its owner disconnects it.
	Client *driver.Client
}

// DB is the MongoDB store; it implements every store interface the domain
// packages declare.
type DB struct {
	client *driver.Client
	owned  bool // Close disconnects the client only if Open connected it
	db     *driver.Database
	// sealedHint is an audit entry known sealed (audit.go): sealing goes
	// on from there instead of looking for the last sealed entry.
	sealedHint atomic.Int64
	// testHooks are the national-ID claims' clock and injected crashes
	// (national_ids.go), set only by the tests (export_test.go).
	testHooks atomic.Pointer[claimHooks]
	// provinceList caches the provinces the root's counters and marks are
	// read from (provinces.go).
	provinceList provinceList
}

// Open connects, checks that the server answers and runs pending
// migrations.
func Open(ctx context.Context, o Options) (*DB, error) {
	name := o.Database
	if name == "" && o.URI != "" {
		cs, err := connstring.ParseAndValidate(o.URI)
		if err != nil {
			return nil, fmt.Errorf("mongo: %w", err)
		}
		name = cs.Database
	}
	if name == "" {
		return nil, errors.New("mongo: no database name (set it in the URI path or in Options.Database)")
	}
	db := &DB{client: o.Client}
	if db.client == nil {
		opts := clientOptions(o.URI)
		if o.Monitor != nil {
			opts.SetMonitor(o.Monitor)
		}
		c, err := driver.Connect(opts)
		if err != nil {
			return nil, fmt.Errorf("mongo: %w", err)
		}
		db.client, db.owned = c, true
	}
	// Reads go to the primary whatever the URI says: the stores promise
	// that a write is seen by the next read (a version check, a key list).
	db.db = db.client.Database(name, options.Database().SetReadPreference(readpref.Primary()))
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("mongo: %w", err)
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("mongo: migrating %s: %w", name, err)
	}
	// The members' moves a crash left unfinished (member_moves.go): a
	// handful at most, finished before any request meets one.
	if err := db.ResumeMoves(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("mongo: %w", err)
	}
	return db, nil
}

// Close disconnects the client if Open connected it.
func (db *DB) Close() error {
	if !db.owned {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return db.client.Disconnect(ctx)
}

func (db *DB) coll(name string) *driver.Collection { return db.db.Collection(name) }

// utc returns a time read from BSON, which keeps milliseconds, in UTC like
// everything the domain handles.
func utc(t time.Time) time.Time { return t.UTC() }

// nonNil makes a nil slice an empty one, so that it is stored as [] and not
// null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
