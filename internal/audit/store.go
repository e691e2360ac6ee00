package audit

import (
	"context"
	"time"
)

// Store keeps the trail. Two kinds implement it, and Recorder drives both
// the same way (Begin, the change, End):
//
//   - a store with transactions (SQLite) writes the entry inside the
//     change's own transaction: BeginAudit returns a context that its next
//     write transaction picks the entry up from, and EndAudit has nothing
//     left to do. The entry and the change commit or vanish together.
//   - a store without multi-document transactions (MongoDB) appends the
//     entry at BeginAudit, Pending, with the intended after-state; EndAudit
//     marks it Done or Void and seals what it can of the chain. A crash in
//     between leaves a Pending entry that Recover settles by looking at the
//     stored object, so the change never exists without its entry.
type Store interface {
	// BeginAudit prepares e (its At, actor, action, object, path, before
	// and after set) for a change about to be written under the returned
	// context; the change must be written under that context.
	BeginAudit(ctx context.Context, e *Entry) (context.Context, error)
	// EndAudit says whether the change was stored; ctx is the one
	// BeginAudit returned.
	EndAudit(ctx context.Context, e *Entry, stored bool) error
	// AppendAudit records e alone, Done and sealed (a read, an export).
	AppendAudit(ctx context.Context, e *Entry) error
	// ListAudit lists entries of q, newest first (highest Seq first),
	// q.Limit+1 at most so that the caller knows whether more follow.
	ListAudit(ctx context.Context, q Query) ([]*Entry, error)
	// AuditChain returns up to limit entries with Seq > after, in Seq
	// order, as stored (for Verify).
	AuditChain(ctx context.Context, after int64, limit int) ([]*Entry, error)
	// AuditHead is the last sequence number handed out (0 for none): an
	// entry missing at the end of the chain is found against it.
	AuditHead(ctx context.Context) (int64, error)
	// PendingAudit lists up to limit Pending entries written before
	// olderThan, oldest first.
	PendingAudit(ctx context.Context, olderThan time.Time, limit int) ([]*Entry, error)
	// SettleAudit marks the Pending entry seq Done or Void.
	SettleAudit(ctx context.Context, seq int64, s State) error
	// RepairAudit fills with Void entries the sequence numbers taken by
	// writers that crashed before writing their entry (taken before
	// olderThan), and seals every settled entry it can, in order.
	RepairAudit(ctx context.Context, olderThan time.Time) error
}
