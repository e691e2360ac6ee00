// Package mongotest is what the tests of the MongoDB adapter need and the
// binary must not carry: FerretDB v1 (SQLite backend) started inside a test
// process, so that the adapter and the server are tested over the real wire
// protocol, and the index-coverage checker (indexcheck.go), which imitates
// MongoDB's planner. Only tests import it: neither is linked into the sohoi
// binary (.ci/run checks that FerretDB is not).
package mongotest

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// StartFerretDB starts FerretDB on a loopback port with its data in a
// temporary directory and returns its MongoDB URI; stop ends it and removes
// the data.
func StartFerretDB() (uri string, stop func(), err error) {
	dir, err := os.MkdirTemp("", "sohoi-ferretdb-")
	if err != nil {
		return "", nil, err
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		// Error, not Warn: FerretDB logs every error reply at Warn, which
		// the tests provoke on purpose (duplicates, and endSessions, which
		// it does not implement, on every disconnect).
		Logger:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	stop = func() {
		cancel()
		<-done
		os.RemoveAll(dir)
	}
	uris := make(chan string, 1)
	go func() { uris <- f.MongoDBURI() }() // blocks until the listener is up
	select {
	case uri = <-uris:
		return uri, stop, nil
	case <-done:
		stop()
		return "", nil, errors.New("FerretDB stopped before it listened")
	case <-time.After(time.Minute):
		stop()
		return "", nil, errors.New("FerretDB did not listen within a minute")
	}
}
