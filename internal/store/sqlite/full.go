package sqlite

import (
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/sohoi/sohoi/internal/errs"
)

// A full disk fails whichever write needs space first (a WAL frame, a
// page of the file), on any of the store's calls; the classifier names
// it wherever it surfaces, by SQLite's result code, never the message.
func init() { errs.RegisterClassifier(classify) }

func classify(err error) *errs.Error {
	if isFull(err) {
		return errs.E(errs.InsufficientStorage, "the database's disk is full; nothing was changed")
	}
	return nil
}

// isFull reports SQLITE_FULL (its extended codes included).
func isFull(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_FULL
}
