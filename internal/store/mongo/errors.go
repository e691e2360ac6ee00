package mongo

import (
	"errors"

	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/sohoi/sohoi/internal/errs"
)

// Errors are told apart by kind (server error codes through the driver's
// helpers), never by their message text.

// isDup reports a unique index violation (_id or a declared unique index).
func isDup(err error) bool { return driver.IsDuplicateKeyError(err) }

// isNoDoc reports that a single-document read found nothing.
func isNoDoc(err error) bool { return errors.Is(err, driver.ErrNoDocuments) }

func notFound(what, id string) error { return errs.E(errs.NotFound, "%s %s not found", what, id) }

// outOfDiskSpace is MongoDB's OutOfDiskSpace error code.
const outOfDiskSpace = 14031

// A full disk can fail any write; the classifier names it wherever it
// surfaces (see errs.RegisterClassifier).
func init() { errs.RegisterClassifier(classifyDriverError) }

func classifyDriverError(err error) *errs.Error {
	var se driver.ServerError
	if errors.As(err, &se) && se.HasErrorCode(outOfDiskSpace) {
		return errs.E(errs.InsufficientStorage, "the database's disk is full; nothing was changed")
	}
	return nil
}
