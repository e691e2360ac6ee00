// Package counting is the hook by which a change keeps derived counters
// current (internal/rollups provides it): the units, members and officers
// services say which counted facts a change touches, mark the units it
// touches before they store it, and settle them after. A change that
// touches no counted fact (a phone number, an address, a spelling fix)
// marks and recounts nothing.
package counting

import (
	"context"

	"github.com/sohoi/sohoi/internal/civil"
)

// Facts is a set of the facts counters are computed from (never stored:
// its width can grow).
type Facts uint16

// The counted facts. Anything else about a member, a post or a unit (names,
// phones, addresses, national IDs, member numbers) counts nowhere.
const (
	// Branch is where a member belongs, or that a unit exists.
	Branch Facts = 1 << iota
	// Status is whether a member is active, left or deceased.
	Status
	// Gender is a member's gender.
	Gender
	// BirthYear is the year a member was born (age bands count by year).
	BirthYear
	// Dates are the days a member's periods began and ended (joined, left,
	// transferred), which the flows and the join-year histogram count.
	Dates
	// Posts are the terms of officers' posts.
	Posts
	// Recognitions are learning models recognised (issue 20), by their
	// decision day.
	Recognitions
	// Fund is the study-promotion fund's entries and reversals, by date.
	Fund
	// Awards are scholarships awarded, by date.
	Awards

	// None touches nothing counted.
	None Facts = 0
	// Member is every fact of a member: a new record.
	Member = Branch | Status | Gender | BirthYear | Dates
)

// Counts keeps derived counters in step with changes. Mark is called before
// a change is stored, with the paths (root first) of the units it touches
// and the day it took effect (zero for a correction, which may change any
// past day); the function it returns is called after.
type Counts interface {
	Mark(ctx context.Context, paths [][]string, on civil.Date) (settle func(context.Context), err error)
}

// Around runs store between marking paths and settling them. A change that
// touches no counted fact is just stored. c is never nil: the services
// cannot be built without their counts (see Required).
func Around(ctx context.Context, c Counts, paths [][]string, on civil.Date, touched Facts, store func() error) error {
	if len(paths) == 0 || touched == None {
		return store()
	}
	settle, err := c.Mark(ctx, paths, on)
	if err != nil {
		return err
	}
	err = store()
	settle(ctx)
	return err
}

// Required returns c, and panics when it is nil: a service that writes
// counted facts cannot be built without the counts that follow them, so no
// path can skip counting because a setter was not called. A test that
// wants no counting says so with Uncounted.
func Required(service string, c Counts) Counts {
	if c == nil {
		panic(service + ": built without counts (pass the rollups service, or counting.Uncounted to say that nothing is counted)")
	}
	return c
}

// Uncounted keeps nothing current: the visible choice of a test or
// benchmark that writes without counters. Nothing in the server uses it.
var Uncounted Counts = uncounted{}

type uncounted struct{}

func (uncounted) Mark(context.Context, [][]string, civil.Date) (func(context.Context), error) {
	return func(context.Context) {}, nil
}
