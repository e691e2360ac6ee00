package audit

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Log is what the services record through: every write with its entry,
// and every read or export of personal data. Recorder is the one kept;
// Unrecorded, in plain sight, is for benchmarks that keep no trail.
type Log interface {
	// Change writes the change (write, which must use the context it is
	// given for its store call) with its entry: both are stored, or
	// neither (or, on a store without transactions, a Pending entry that
	// Recover settles).
	Change(ctx context.Context, e *Entry, write func(ctx context.Context) error) error
	// Access records a read or an export of personal data.
	Access(ctx context.Context, e *Entry) error
}

// Recorder is the Log on a Store.
type Recorder struct {
	store   Store
	objects Objects
	now     func() time.Time
}

// NewRecorder returns the Log on store. objects tells, when a write
// answers an error, whether the change was stored all the same (a
// timeout after the commit): its entry is then kept as Done, not voided;
// nil takes every failed write as not stored. now is the clock.
func NewRecorder(store Store, objects Objects, now func() time.Time) *Recorder {
	if now == nil {
		now = time.Now
	}
	return &Recorder{store: store, objects: objects, now: now}
}

func (r *Recorder) stamp(e *Entry) {
	if e.At.IsZero() {
		e.At = r.now().UTC().Truncate(time.Millisecond)
	}
}

// Change implements Log. An import or a restructure job records each of
// its writes the same way: build the Entry (Changed gives Before and
// After), then Change(ctx, e, func(ctx) error { return store.Write(ctx, …) }).
func (r *Recorder) Change(ctx context.Context, e *Entry, write func(ctx context.Context) error) error {
	r.stamp(e)
	e.State = Done
	wctx, err := r.store.BeginAudit(ctx, e)
	if err != nil {
		return err
	}
	werr := write(wctx)
	stored := werr == nil
	if werr != nil && r.objects != nil {
		state, err := decide(context.WithoutCancel(ctx), r.objects, e)
		if err != nil {
			return werr // left Pending: Recover decides
		}
		stored = state == Done
	}
	if err := r.store.EndAudit(context.WithoutCancel(wctx), e, stored); err != nil && werr == nil {
		// The change is stored and its entry Pending: Recover confirms it.
		return nil
	}
	return werr
}

// Access implements Log.
func (r *Recorder) Access(ctx context.Context, e *Entry) error {
	r.stamp(e)
	e.State = Done
	return r.store.AppendAudit(ctx, e)
}

// Unrecorded keeps no trail: for benchmarks only, so that a service
// built without one says so where it is built.
var Unrecorded Log = unrecorded{}

type unrecorded struct{}

func (unrecorded) Change(ctx context.Context, _ *Entry, write func(context.Context) error) error {
	return write(ctx)
}
func (unrecorded) Access(context.Context, *Entry) error { return nil }

// Required panics when a service is built without a Log, so that no
// write goes unrecorded by mistake.
func Required(who string, l Log) Log {
	if l == nil {
		panic(who + ": no audit log (pass the Recorder, or audit.Unrecorded in a benchmark)")
	}
	return l
}

// JSON encodes v for Before, After or Detail (nil stays empty).
func JSON(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`{"error":` + quote(err.Error()) + `}`)
	}
	return b
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// ErrNotRecorded is what a store answers when a change was written
// without the entry meant to go with it.
var ErrNotRecorded = errors.New("audit: the change was written outside the entry's transaction")
