package app

import (
	"context"

	"github.com/sohoi/sohoi/internal/backup"
	"github.com/sohoi/sohoi/internal/store"
	"github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/store/sqlite"
)

// Store is every store interface the domain packages declare, plus the
// lifecycle of the connection. Nothing past this file knows which adapter
// it talks to.
type Store interface {
	store.Store
	backup.Extra // sohoi backup and restore
	Ping(ctx context.Context) error
	Close() error
}

// OpenStore opens MongoDB when a URI is configured, else the embedded
// SQLite store in the data directory; either way migrations run first.
func OpenStore(ctx context.Context, c Config) (Store, string, error) {
	if c.MongoURI != "" {
		db, err := mongo.Open(ctx, mongo.Options{URI: c.MongoURI, Database: c.MongoDB})
		if err != nil { // never a non-nil Store holding a nil *DB
			return nil, "mongodb", err
		}
		return db, "mongodb", nil
	}
	db, err := sqlite.Open(ctx, c.DataDir)
	if err != nil {
		return nil, "sqlite", err
	}
	return db, "sqlite", nil
}
