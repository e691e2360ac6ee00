package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
	"sync/atomic"

	"modernc.org/sqlite"
)

// The writer's connection keeps the statements it runs prepared, in the
// driver, so that a text is parsed and planned once, not at every write.
//
// Why: a write runs its statements inside its group's transaction
// (writes.go), and database/sql prepares, runs and finalizes a text anew
// each time a transaction runs it. The pool cache of stmts.go cannot help
// there: a *sql.Stmt is prepared on the writer's one connection only
// outside a transaction. Measured (pprof, 1 M members, 10 % writes among
// 32 clients, README "Load test"): preparing was 22 % of what the member
// writes cost the writer, and 13 % of the writer's CPU in all, the writer
// being the one thing every write and every audited read waits for.
//
// Only Exec is cached: a query's statement is busy until its rows are
// closed, and most of the writer's texts are executed (73 % of its
// preparing was Exec).

// writerConnector opens the writer's connections, each keeping its
// statements.
type writerConnector struct {
	driver.Connector
	// inMemory: the connections keep temporary data (the journal of the
	// savepoints each write of a group runs in) in memory; set once the
	// migrations are done (journalInMemory).
	inMemory atomic.Bool
}

func newWriterConnector(dsn string) (*writerConnector, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return &writerConnector{Connector: c}, nil
}

// memoryTempStore keeps a connection's temporary data in memory.
const memoryTempStore = `PRAGMA temp_store = MEMORY`

// journalInMemory makes the writer keep its savepoints' journal in memory
// from now on: on the connection open now (w has one) and on every one
// opened later. Written to a file, the journal of each write's savepoint
// was 5 % of the server's CPU under issue 15's writes (pprof: pwrite on
// the one writer, for every write of a group past 16 changed pages).
// It is memory only once the migrations are done: they sort and fill
// temporary tables of the whole database (0015 builds 30 million search
// keys that way), which belong in a file. At run time the journal holds
// one small write's pages at a time: batches commit alone, outside
// savepoints (writeReq.alone).
func (w *writerConnector) journalInMemory(ctx context.Context, db *sql.DB) error {
	w.inMemory.Store(true)
	_, err := db.ExecContext(ctx, memoryTempStore)
	return err
}

// Connect implements driver.Connector.
func (w *writerConnector) Connect(ctx context.Context) (driver.Conn, error) {
	c, err := w.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	inner, ok := c.(fullConn)
	if !ok { // not the driver this was written for: no cache, nothing lost
		return c, nil
	}
	if w.inMemory.Load() {
		if _, err := inner.ExecContext(ctx, memoryTempStore, nil); err != nil {
			c.Close()
			return nil, err
		}
	}
	return &stmtConn{fullConn: inner, stmts: map[string]driver.Stmt{}}, nil
}

// fullConn is what every connection of modernc.org/sqlite implements, and
// so what a wrapper must forward (sqlite.NewConnector's documentation).
type fullConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// stmtConn is a connection that runs each Exec text as a statement it
// prepared once. database/sql uses a connection from one goroutine at a
// time, so the map needs no lock.
type stmtConn struct {
	fullConn
	stmts map[string]driver.Stmt
}

// Unwrap returns the driver's own connection (sqlite.Limit looks for it).
func (c *stmtConn) Unwrap() driver.Conn { return c.fullConn }

// ExecContext implements driver.ExecerContext.
func (c *stmtConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s := c.stmt(ctx, query)
	if s == nil {
		return c.fullConn.ExecContext(ctx, query, args)
	}
	return s.(driver.StmtExecContext).ExecContext(ctx, args)
}

// stmt returns query's statement, preparing it the first time, or nil
// when the text is not kept: a script of several statements (a
// migration) is run as text, and a text that fails to prepare is too, so
// that its error is the one the caller would have had.
func (c *stmtConn) stmt(ctx context.Context, query string) driver.Stmt {
	if s := c.stmts[query]; s != nil {
		return s
	}
	if strings.Contains(query, ";") {
		return nil
	}
	s, err := c.fullConn.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	if _, ok := s.(driver.StmtExecContext); !ok {
		s.Close()
		return nil
	}
	if len(c.stmts) >= maxStmts { // texts built from lists of any length: start again
		c.closeStmts()
	}
	c.stmts[query] = s
	return s
}

func (c *stmtConn) closeStmts() {
	for q, s := range c.stmts {
		s.Close()
		delete(c.stmts, q)
	}
}

// Close implements driver.Conn.
func (c *stmtConn) Close() error {
	c.closeStmts()
	return c.fullConn.Close()
}
