package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// maxStmts bounds a pool's prepared statements. The adapter's queries are
// a few dozen texts, but some are built with lists of varying length (an
// IN of n ids): when the cache is full it is emptied and fills again with
// what is asked next, so a stream of one-off texts costs what it cost
// without a cache and never grows the memory.
const maxStmts = 256

// pool is a connection pool whose queries run as prepared statements,
// each text prepared once per connection and kept.
//
// Why: under the issue-15 reads, preparing every query again (parsing and
// planning it; database/sql prepares anew each time a text is run on a
// *sql.DB) took 13 % of the server's CPU, more than the B-tree searches
// themselves (pprof, README "Load test"). A *sql.Stmt remembers, per
// connection, the statement it prepared there, and re-prepares on a
// connection it has not met (a new reader, or one renewed after its
// lifetime); SQLite re-prepares by itself after a schema change.
type pool struct {
	*sql.DB

	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func newPool(db *sql.DB) *pool { return &pool{DB: db, stmts: map[string]*sql.Stmt{}} }

// stmt returns the statement prepared for query, or nil when it cannot be
// prepared (the caller then runs the text itself, and its error is the
// one the caller would have had without the cache).
func (p *pool) stmt(ctx context.Context, query string) *sql.Stmt {
	p.mu.Lock()
	s := p.stmts[query]
	p.mu.Unlock()
	if s != nil {
		return s
	}
	s, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if had := p.stmts[query]; had != nil { // prepared meanwhile by another caller
		s.Close()
		return had
	}
	if len(p.stmts) >= maxStmts {
		for q, old := range p.stmts {
			old.Close() // one in use is closed when its rows are (database/sql)
			delete(p.stmts, q)
		}
	}
	p.stmts[query] = s
	return s
}

// QueryContext runs query as a prepared statement.
func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query as a prepared statement.
func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// Close closes the statements, then the pool.
func (p *pool) Close() error {
	p.mu.Lock()
	for q, s := range p.stmts {
		s.Close()
		delete(p.stmts, q)
	}
	p.mu.Unlock()
	return p.DB.Close()
}
