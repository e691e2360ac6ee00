package audit

import (
	"context"
	"errors"
	"time"

	"github.com/sohoi/sohoi/internal/errs"
)

// Objects gives an object as now stored, in the fields its service
// records (errs.NotFound when it does not exist): what Recover compares a
// Pending entry's After with.
type Objects interface {
	AuditFields(ctx context.Context, objectType, id string) (Fields, error)
}

// Grace is how old a Pending entry (or a lost sequence number) must be
// before Recover decides about it: a writer still under way is not
// judged. At server start every writer of before is gone, but another
// instance may be writing.
const Grace = time.Minute

// Recover settles the Pending entries written before olderThan (each
// Done when the stored object has its After, or is gone after a delete;
// Void when not), then fills lost sequence numbers and seals the chain.
// It runs at server start and in `sohoi audit verify`; on a store with
// transactions there is nothing Pending and it costs one query.
func Recover(ctx context.Context, store Store, objects Objects, olderThan time.Time) (settled int, err error) {
	for {
		pending, err := store.PendingAudit(ctx, olderThan, 100)
		if err != nil {
			return settled, err
		}
		for _, e := range pending {
			state, err := decide(ctx, objects, e)
			if err != nil {
				return settled, err
			}
			if err := store.SettleAudit(ctx, e.Seq, state); err != nil {
				return settled, err
			}
			settled++
		}
		if len(pending) < 100 {
			break
		}
	}
	return settled, store.RepairAudit(ctx, olderThan)
}

// decide says whether the change a Pending entry announced was written.
func decide(ctx context.Context, objects Objects, e *Entry) (State, error) {
	stored, err := objects.AuditFields(ctx, e.ObjectType, e.ObjectID)
	gone := errs.Is(err, errs.NotFound)
	if err != nil && !gone {
		if errors.Is(err, ErrUnknownObject) {
			return Void, nil
		}
		return "", err
	}
	if e.Action == Delete {
		if gone {
			return Done, nil
		}
		return Void, nil
	}
	if gone || len(e.After) == 0 || !Matches(e.After, stored) {
		return Void, nil
	}
	return Done, nil
}

// ErrUnknownObject is what Objects answers for a type it does not keep.
var ErrUnknownObject = errors.New("audit: unknown object type")
