package mongo

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
)

// dupKeyField is the first field of the index a duplicate-key error hit,
// from the keyPattern MongoDB reports with it (by structure, not by
// parsing the message), or "" when the server does not say (FerretDB).
func dupKeyField(err error) string {
	var we driver.WriteException
	if !errors.As(err, &we) {
		return ""
	}
	for _, e := range we.WriteErrors {
		if e.Code != 11000 {
			continue
		}
		kp, ok := e.Raw.Lookup("keyPattern").DocumentOK()
		if !ok {
			continue
		}
		if elems, err := kp.Elements(); err == nil && len(elems) > 0 {
			return elems[0].Key()
		}
	}
	return ""
}

// memberInsertConflict explains a duplicate key on inserting doc. An insert
// sent again after its acknowledgement was lost (by the driver's
// retryable writes, or by a caller) finds its own document: that is
// success, not the member's own duplicate. Otherwise the index it hit
// says which: the active national ID, or the id.
func (db *DB) memberInsertConflict(ctx context.Context, m *members.Member, doc memberDoc, dupErr error) error {
	var stored memberDoc
	err := db.coll(collMembers).FindOne(ctx, bson.D{{Key: "_id", Value: doc.ID}}).Decode(&stored)
	switch {
	case err == nil && sameInsert(&stored, &doc):
		return nil
	case err == nil:
		return errs.E(errs.Conflict, "member %s exists", m.ID)
	case !isNoDoc(err):
		return err
	}
	switch dupKeyField(dupErr) {
	case "_id":
		return errs.E(errs.Conflict, "member %s exists", m.ID)
	case "activeNationalId":
		return duplicateNationalID()
	}
	// The server did not say; the id is not taken, so the other unique
	// index is.
	if m.ActiveNationalID() != "" {
		return duplicateNationalID()
	}
	return errs.E(errs.Conflict, "member %s exists", m.ID)
}

// sameInsert reports whether stored is the document ins inserted: the
// same first event, at the same instant (BSON keeps milliseconds), by the
// same person.
func sameInsert(stored, ins *memberDoc) bool {
	if len(stored.History) == 0 || len(ins.History) == 0 {
		return false
	}
	a, b := stored.History[0], ins.History[0]
	return a.Seq == b.Seq && a.Type == b.Type && a.ActorID == b.ActorID &&
		a.At.Equal(b.At.Truncate(time.Millisecond)) && stored.State.CreatedAt.Equal(ins.State.CreatedAt.Truncate(time.Millisecond))
}
