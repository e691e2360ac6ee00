package mongo

import (
	"context"
	"time"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
)

// memberInsertConflict explains a duplicate key on inserting doc (the _id:
// members have no other unique index; one active holder per national ID
// is the claims' rule, national_ids.go). An insert sent again after its
// acknowledgement was lost (by the driver's retryable writes, or by a
// caller) finds its own document: that is success, not the member's own
// duplicate.
func (db *DB) memberInsertConflict(ctx context.Context, m *members.Member, doc memberDoc) error {
	var stored memberDoc
	err := db.coll(collMembers).FindOne(ctx, memberFilter(doc.Province, doc.MemberID)).Decode(&stored)
	switch {
	case err == nil && sameInsert(&stored, &doc):
		return nil
	case err == nil || isNoDoc(err):
		return errs.E(errs.Conflict, "member %s exists", m.ID)
	}
	return err
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
