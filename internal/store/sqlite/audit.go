package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// auditSchema: the trail (audit.Entry, one row each, seq the chain's
// order) and its head, the last seq handed out, kept in the same
// transaction so that a row removed from the end is found.
const auditSchema = `
CREATE TABLE audit (
	seq         INTEGER PRIMARY KEY,
	at          INTEGER NOT NULL,
	actor_id    TEXT NOT NULL,
	actor_name  TEXT NOT NULL,
	action      TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id   TEXT NOT NULL,
	path        TEXT NOT NULL,
	before      TEXT NOT NULL,
	after       TEXT NOT NULL,
	detail      TEXT NOT NULL,
	state       TEXT NOT NULL,
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL
) STRICT;
CREATE INDEX audit_path ON audit(path, seq);
CREATE INDEX audit_object ON audit(object_type, object_id, seq);
CREATE INDEX audit_actor ON audit(actor_id, seq);
CREATE INDEX audit_pending ON audit(state, seq);
CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL) STRICT;
INSERT INTO audit_head(id, seq) VALUES (1, 0);
`

// auditHold carries an entry to the write transaction of the change it
// records (BeginAudit puts it in the context, tx picks it up).
type auditHold struct {
	e     *audit.Entry
	taken bool // a transaction took it (set in the caller's goroutine)
}

type auditKey struct{}

// takeAudit returns the entry a write under ctx must store with its
// change, once: the first transaction run under the context takes it.
func takeAudit(ctx context.Context) *auditHold {
	h, _ := ctx.Value(auditKey{}).(*auditHold)
	if h == nil || h.taken {
		return nil
	}
	h.taken = true
	return h
}

// BeginAudit implements audit.Store: the entry goes into the change's own
// transaction (see tx), so nothing is written now.
func (db *DB) BeginAudit(ctx context.Context, e *audit.Entry) (context.Context, error) {
	return context.WithValue(ctx, auditKey{}, &auditHold{e: e}), nil
}

// EndAudit implements audit.Store: the entry went (or not) with the
// change's transaction. A change stored with no transaction run under
// ctx (a store method that wrote outside tx) still gets its entry, alone,
// so that the trail stays complete.
func (db *DB) EndAudit(ctx context.Context, e *audit.Entry, stored bool) (err error) {
	defer errs.Wrap(&err, "sqlite: EndAudit")
	h, _ := ctx.Value(auditKey{}).(*auditHold)
	if !stored || h == nil || h.taken {
		return nil
	}
	return db.AppendAudit(ctx, e)
}

// AppendAudit implements audit.Store.
func (db *DB) AppendAudit(ctx context.Context, e *audit.Entry) (err error) {
	defer errs.Wrap(&err, "sqlite: AppendAudit")
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error { return db.appendAudit(ctx, tx, e) })
}

// The statements of appendAudit, prepared once on the writer's
// connection (auditStmts): an entry is written for every read of personal
// data, so under load the writer appends hundreds a second, and parsing
// its four statements each time was most of what the writer spent on them.
const (
	lastAuditSQL   = `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`
	auditHeadSQL   = `SELECT seq FROM audit_head WHERE id = 1`
	insertAuditSQL = `INSERT INTO audit(seq, at, actor_id, actor_name, action, object_type, object_id, path,
		before, after, detail, state, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`
	moveAuditHeadSQL = `UPDATE audit_head SET seq = ? WHERE id = 1`
)

// auditStmts are appendAudit's statements prepared on the writer's pool,
// which runs them in its transactions (sql.Tx.StmtContext reuses what a
// statement prepared on the transaction's connection).
type auditStmts struct{ last, head, insert, moveHead *sql.Stmt }

// prepareAuditStmts prepares them while the writer is idle (Open, before
// anything is written): preparing on the one-connection pool during a
// transaction would wait for it forever.
func (db *DB) prepareAuditStmts(ctx context.Context) (err error) {
	var s auditStmts
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{{&s.last, lastAuditSQL}, {&s.head, auditHeadSQL}, {&s.insert, insertAuditSQL}, {&s.moveHead, moveAuditHeadSQL}} {
		if *p.stmt, err = db.write.PrepareContext(ctx, p.sql); err != nil {
			return err
		}
	}
	db.audit = &s
	return nil
}

// appendAudit numbers, seals and inserts e in tx: the writer is one, so
// the entry before it is the last row, or the last entry appended in the
// same group (groupTail).
func (db *DB) appendAudit(ctx context.Context, tx *sql.Tx, e *audit.Entry) error {
	before, head := db.groupTail, int64(0)
	if before != nil {
		head = before.Seq
	} else {
		var prev audit.Entry
		err := tx.StmtContext(ctx, db.audit.last).QueryRowContext(ctx).Scan(&prev.Seq, &prev.Hash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			before = &prev
		}
		if err := tx.StmtContext(ctx, db.audit.head).QueryRowContext(ctx).Scan(&head); err != nil {
			return err
		}
	}
	var prevSeq int64
	if before != nil {
		prevSeq = before.Seq
	}
	e.Seq = max(prevSeq, head) + 1
	if e.State == "" {
		e.State = audit.Done
	}
	e.Seal(before)
	if _, err := tx.StmtContext(ctx, db.audit.insert).ExecContext(ctx, insertAuditArgs(e)...); err != nil {
		return err
	}
	if _, err := tx.StmtContext(ctx, db.audit.moveHead).ExecContext(ctx, e.Seq); err != nil {
		return err
	}
	db.groupTail = &audit.Entry{Seq: e.Seq, Hash: e.Hash}
	return nil
}

// insertAudit inserts e as it is: numbered and sealed.
func insertAudit(ctx context.Context, tx *sql.Tx, e *audit.Entry) error {
	_, err := tx.ExecContext(ctx, insertAuditSQL, insertAuditArgs(e)...)
	return err
}

func insertAuditArgs(e *audit.Entry) []any {
	return []any{e.Seq, nanos(e.At), e.ActorID, e.ActorName, e.Action, e.ObjectType, e.ObjectID, e.Path.Key(),
		string(e.Before), string(e.After), string(e.Detail), string(e.State), e.PrevHash, e.Hash}
}

const auditCols = `seq, at, actor_id, actor_name, action, object_type, object_id, path, before, after, detail, state, prev_hash, hash`

func scanAudit(row interface{ Scan(...any) error }) (*audit.Entry, error) {
	var e audit.Entry
	var at int64
	var path, before, after, detail, state string
	if err := row.Scan(&e.Seq, &at, &e.ActorID, &e.ActorName, &e.Action, &e.ObjectType, &e.ObjectID, &path, &before, &after,
		&detail, &state, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	e.At, e.Path, e.State = fromNanos(at), unitpath.ParseKey(path), audit.State(state)
	e.Before, e.After, e.Detail = raw(before), raw(after), raw(detail)
	return &e, nil
}

func raw(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

func (db *DB) queryAudit(ctx context.Context, q string, args ...any) ([]*audit.Entry, error) {
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ListAudit implements audit.Store.
func (db *DB) ListAudit(ctx context.Context, q audit.Query) (_ []*audit.Entry, err error) {
	defer errs.Wrap(&err, "sqlite: ListAudit")
	lo, hi := keyRange(q.Under)
	where := []string{`path >= ?`, `path < ?`}
	args := []any{lo, hi}
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if q.ObjectType != "" {
		add(`object_type = ?`, q.ObjectType)
	}
	if q.ObjectID != "" {
		add(`object_id = ?`, q.ObjectID)
	}
	if q.ActorID != "" {
		add(`actor_id = ?`, q.ActorID)
	}
	if !q.Since.IsZero() {
		add(`at >= ?`, nanos(q.Since))
	}
	if !q.Until.IsZero() {
		add(`at < ?`, nanos(q.Until))
	}
	if q.After > 0 {
		add(`seq < ?`, q.After)
	}
	args = append(args, q.Limit+1)
	return db.queryAudit(ctx, `SELECT `+auditCols+` FROM audit WHERE `+strings.Join(where, " AND ")+` ORDER BY seq DESC LIMIT ?`, args...)
}

// AuditChain implements audit.Store.
func (db *DB) AuditChain(ctx context.Context, after int64, limit int) (_ []*audit.Entry, err error) {
	defer errs.Wrap(&err, "sqlite: AuditChain")
	return db.queryAudit(ctx, `SELECT `+auditCols+` FROM audit WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
}

// AuditHead implements audit.Store.
func (db *DB) AuditHead(ctx context.Context) (n int64, err error) {
	defer errs.Wrap(&err, "sqlite: AuditHead")
	err = db.read.QueryRowContext(ctx, `SELECT seq FROM audit_head WHERE id = 1`).Scan(&n)
	return n, err
}

// auditPendingIndex replaces audit_pending (state, seq), which took an
// entry for every one written, with an index of the pending ones alone:
// here entries are written with their change, so none is ever pending,
// and an entry is written for every read of personal data (hundreds a
// second under load), each a row in every index of audit.
const auditPendingIndex = `
DROP INDEX audit_pending;
CREATE INDEX audit_pending_only ON audit(seq) WHERE state = 'pending';
`

// PendingAudit implements audit.Store: entries are written with their
// change here, so none is ever pending; the query keeps the contract.
// The state is written out, not bound: only then does SQLite know the
// query is within audit_pending_only.
func (db *DB) PendingAudit(ctx context.Context, olderThan time.Time, limit int) (_ []*audit.Entry, err error) {
	defer errs.Wrap(&err, "sqlite: PendingAudit")
	return db.queryAudit(ctx, pendingAuditSQL, nanos(olderThan), limit)
}

const pendingAuditSQL = `SELECT ` + auditCols + ` FROM audit WHERE state = '` + string(audit.Pending) + `' AND at < ? ORDER BY seq LIMIT ?`

// SettleAudit implements audit.Store.
func (db *DB) SettleAudit(ctx context.Context, seq int64, s audit.State) (err error) {
	defer errs.Wrap(&err, "sqlite: SettleAudit %d", seq)
	return db.tx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE audit SET state = ? WHERE seq = ? AND state = ?`, string(s), seq, string(audit.Pending))
		return err
	})
}

// RepairAudit implements audit.Store: every entry here is numbered and
// sealed in its own transaction, so there is nothing to repair.
func (db *DB) RepairAudit(context.Context, time.Time) error { return nil }
