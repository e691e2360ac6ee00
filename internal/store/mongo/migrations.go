package mongo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// migration is one named, ordered schema step, recorded in the migrations
// collection (_id = name) once it has run. There are no transactions, so a
// step must be idempotent: a crash after the step and before its record
// runs it again on the next start, and two instances starting at once may
// both run it.
type migration struct {
	name string
	run  func(ctx context.Context, db *driver.Database) error
}

// migrations lists the steps in order: one per declared index, so that an
// index added to Indexes is created on the next start of every existing
// database without anyone writing a step for it. Its name is the index's
// collection and name: to change an index's keys or options, give it a new
// name (and a step that drops the old one). Data steps, when there are
// any, follow.
func migrations() []migration {
	var steps, late []migration
	for _, ix := range Indexes {
		if ix.Collection == collMembers && ix.Unique {
			// Made after the members' data step: every document of the
			// old layout lacks province and memberId, alike to a unique
			// index on them (member_steps.go).
			late = append(late, indexStep(ix))
			continue
		}
		steps = append(steps, indexStep(ix))
	}
	steps = append(steps, ttlSteps()...)
	steps = append(steps, pathSteps()...) // before the search keys, which read the path
	steps = append(steps, searchKeySteps()...)
	steps = append(steps, nameKeySteps()...)
	steps = append(steps, nationalIDSteps()...)
	steps = append(steps, rollupSteps()...)
	steps = append(steps, memberSteps()...) // after every older step on members, which read the old layout
	return append(steps, late...)
}

// indexStep creates one declared index.
func indexStep(ix Index) migration {
	return migration{
		name: "index " + ix.Collection + "." + ix.Name,
		run: func(ctx context.Context, db *driver.Database) error {
			// createIndexes is a no-op for an identical existing index.
			_, err := db.Collection(ix.Collection).Indexes().CreateOne(ctx, ix.model())
			return err
		},
	}
}

// retiredSteps are steps an older sohoi ran and recorded that this one no
// longer has, because what they made is gone (an index replaced, then
// dropped by a step of its own): a database that recorded them is not
// newer for it.
var retiredSteps = []string{
	// Issue 16.2's one path replaced these indexes (path_steps.go).
	"index members.members_ancestors_status_sort",
	"index units.units_ancestors_level_created",
	// The national-ID claims replaced this one (national_id_steps.go).
	"index members.members_active_national_id",
	// Counters and marks by province replaced these (rollup_steps.go).
	"index counters.counters_parent_day",
	"index counters.counters_path_day",
	"index counters.counters_path_id",
	"index staleMarks.stale_marks_pending",
	"index staleMarks.stale_marks_path_id",
	// Members by province replaced these (member_steps.go).
	"index members.members_path_status_sort",
	"index members.members_scope_words_status_sort",
	"index members.members_name_key_path",
	"index members.members_branch_member_no",
	"index members.members_stints_branch",
	"index members.members_stints_from",
	"index members.members_stints_to",
}

// ErrNewerSchema refuses a database written by a newer sohoi.
var ErrNewerSchema = errors.New("the database's schema is newer than this sohoi knows")

// migrate runs the steps not yet recorded (the migrations collection is
// the database's schema version: the steps it has). A database with a step
// this binary does not know was written by a newer sohoi, whose data this
// one could damage: it is refused.
func (db *DB) migrate(ctx context.Context) error {
	steps := migrations()
	known := make(map[string]bool, len(steps))
	for _, s := range steps {
		known[s.name] = true
	}
	for _, name := range retiredSteps {
		known[name] = true
	}
	coll := db.db.Collection(collMigrations)
	// Every recorded step (one range of the _id index).
	cur, err := coll.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gte", Value: ""}}}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return err
	}
	var recorded []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &recorded); err != nil {
		return err
	}
	done := make(map[string]bool, len(recorded))
	var unknown []string
	for _, r := range recorded {
		done[r.ID] = true
		if !known[r.ID] {
			unknown = append(unknown, r.ID)
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("%w (steps %s): run the sohoi that wrote it, or a newer one", ErrNewerSchema, strings.Join(unknown, ", "))
	}
	for _, s := range steps {
		if done[s.name] {
			continue
		}
		if err := s.run(ctx, db.db); err != nil {
			return fmt.Errorf("migration %q: %w", s.name, err)
		}
		_, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: s.name}, {Key: "appliedAt", Value: time.Now().UTC()}})
		if err != nil && !driver.IsDuplicateKeyError(err) { // another instance recorded it first
			return fmt.Errorf("recording migration %q: %w", s.name, err)
		}
	}
	return nil
}
