package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// maxCachedPeriods bounds the periods the cache holds (24 bytes each:
// about 50 MB; a province of a million members has about 1.1 million).
// Past it, branches are dropped until it is back under nine tenths.
const maxCachedPeriods = 2_000_000

// periodsCache keeps each branch's periods (BranchPeriods) between
// recounts. The settler recounts every branch a write touched, and
// reading a branch's periods whole was a fifth of the server's CPU under
// the issue-15 load with writes (pprof, README "Load test"), to take in
// the one or two members that changed. A cached branch is brought up to
// date from branch_changes: the members whose periods in it changed since
// its copy are read again (one seek each), the others kept. Nothing is
// counted here: the cache holds facts as stored, and a recount still
// counts the whole branch from them.
//
// Why it cannot answer stale periods: the log is written by triggers in
// the transaction of every change to member_moves (branch_changes.go),
// numbered in commit order. A copy made as of seq S holds, for every
// member, its periods as of some moment after every change numbered up
// to S; each later read takes every change after S (a statement's
// snapshot, newer than the copy's), and reads those members again after
// it. A copy older than the pruned floor is read whole.
type periodsCache struct {
	mu       sync.Mutex
	branches map[string]*cachedBranch
	size     int              // periods held
	names    []string         // interned texts (gender, how a period began and ended)
	codes    map[string]uint8 // and their codes
	wholes   int64            // branches read whole (for tests)
	patches  int64            // branches brought up to date from the log (for tests)
}

// cachedBranch is a branch's periods as of seq; never changed once made
// (a newer copy replaces it), so callers read it without the lock.
type cachedBranch struct {
	seq     int64
	periods []cachedPeriod // by member
}

// cachedPeriod is one period, packed: dates as yyyymmdd (0: none), texts
// by their interned codes.
type cachedPeriod struct {
	member               int64
	from, to             int32
	birthYear, joinYear  int16
	gender, began, ended uint8
}

// errUncodable: more distinct texts than a code holds (not expected: a
// handful exist); the branch is answered uncached.
var errUncodable = errors.New("sqlite: too many distinct period texts to cache")

func packDate(s string) int32 {
	d := dateOf(s)
	if d.IsZero() {
		return 0
	}
	return int32(d.Year*10000 + int(d.Month)*100 + d.Day)
}

func unpackDate(v int32) civil.Date {
	if v == 0 {
		return civil.Date{}
	}
	return civil.Date{Year: int(v / 10000), Month: time.Month(v / 100 % 100), Day: int(v % 100)}
}

// code interns s (under c.mu).
func (c *periodsCache) code(s string) (uint8, error) {
	if v, ok := c.codes[s]; ok {
		return v, nil
	}
	if len(c.names) > 255 {
		return 0, errUncodable
	}
	if c.codes == nil {
		c.codes = map[string]uint8{}
	}
	c.codes[s] = uint8(len(c.names))
	c.names = append(c.names, s)
	return c.codes[s], nil
}

// The statements. changesSQL reads the floor, the last seq handed out and
// every change to the branch after a copy, in one snapshot.
const (
	branchChangesSQL = `SELECT f.seq, coalesce((SELECT max(seq) FROM branch_changes), f.seq), c.member_rowid
		FROM branch_changes_floor f LEFT JOIN branch_changes c ON c.branch_id = ?1 AND c.seq > ?2
		WHERE f.id = 1`
	branchLastSQL    = `SELECT max(f.seq, coalesce((SELECT max(seq) FROM branch_changes), 0)) FROM branch_changes_floor f WHERE f.id = 1`
	periodCols       = `member_rowid, from_day, to_day, started_by, ended_by, gender, birth_year, joined_year`
	branchPeriodsSQL = `SELECT ` + periodCols + ` FROM member_moves WHERE branch_id = ? AND day = from_day`
	memberPeriodsSQL = `SELECT ` + periodCols + ` FROM member_moves
		WHERE branch_id = ?1 AND member_rowid IN (SELECT value FROM json_each(?2)) AND day = from_day`
)

// BranchPeriods implements rollups.MovementStore from member_moves, each
// period once (its first day's row), with the member's counted facts
// beside it; no member row is read. Through periodsCache: see there.
func (db *DB) BranchPeriods(ctx context.Context, branch unitpath.Path) (_ []rollups.MovedPeriod, err error) {
	branchID := branch.Unit()
	defer errs.Wrap(&err, "sqlite: BranchPeriods %s", branchID)
	b, err := db.periods.current(ctx, db.reads(ctx), branchID)
	if errors.Is(err, errUncodable) {
		return db.branchPeriodsUncached(ctx, branchID)
	}
	if err != nil {
		return nil, err
	}
	return db.periods.expand(branchID, b.periods), nil
}

// current returns the branch's periods as stored now (see periodsCache).
func (c *periodsCache) current(ctx context.Context, q *pool, branchID string) (*cachedBranch, error) {
	c.mu.Lock()
	have := c.branches[branchID]
	c.mu.Unlock()
	if have == nil {
		return c.readWhole(ctx, q, branchID)
	}
	rows, err := q.QueryContext(ctx, branchChangesSQL, branchID, have.seq)
	if err != nil {
		return nil, err
	}
	var floor, last int64
	changed := map[int64]bool{}
	for rows.Next() {
		var member sql.NullInt64
		if err := rows.Scan(&floor, &last, &member); err != nil {
			rows.Close()
			return nil, err
		}
		if member.Valid {
			changed[member.Int64] = true
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	if have.seq < floor {
		return c.readWhole(ctx, q, branchID)
	}
	if len(changed) == 0 {
		if last > have.seq { // nothing of this branch changed up to last
			c.keep(branchID, &cachedBranch{seq: last, periods: have.periods})
		}
		return have, nil
	}
	ids := make([]int64, 0, len(changed))
	for id := range changed {
		ids = append(ids, id)
	}
	list, _ := json.Marshal(ids)
	fresh, err := c.read(ctx, q, memberPeriodsSQL, branchID, string(list))
	if err != nil {
		return nil, err
	}
	periods := make([]cachedPeriod, 0, len(have.periods)+len(fresh))
	for _, p := range have.periods {
		if !changed[p.member] {
			periods = append(periods, p)
		}
	}
	periods = append(periods, fresh...)
	return c.put(branchID, last, periods, &c.patches), nil
}

// readWhole reads a branch's periods whole, as of at least the last seq
// handed out before the read.
func (c *periodsCache) readWhole(ctx context.Context, q *pool, branchID string) (*cachedBranch, error) {
	var last int64
	if err := q.QueryRowContext(ctx, branchLastSQL).Scan(&last); err != nil {
		return nil, err
	}
	periods, err := c.read(ctx, q, branchPeriodsSQL, branchID)
	if err != nil {
		return nil, err
	}
	return c.put(branchID, last, periods, &c.wholes), nil
}

// put keeps a branch's periods, sorted by member, as of seq, counting the
// read in *reads (wholes or patches).
func (c *periodsCache) put(branchID string, seq int64, periods []cachedPeriod, reads *int64) *cachedBranch {
	slices.SortStableFunc(periods, func(a, b cachedPeriod) int { return cmp.Compare(a.member, b.member) })
	b := &cachedBranch{seq: seq, periods: periods}
	c.mu.Lock()
	*reads++
	c.mu.Unlock()
	c.keep(branchID, b)
	return b
}

func (c *periodsCache) read(ctx context.Context, q *pool, query string, args ...any) ([]cachedPeriod, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cachedPeriod
	for rows.Next() {
		var p cachedPeriod
		var from, to, began, ended, gender string
		var birthYear, joinYear int
		if err := rows.Scan(&p.member, &from, &to, &began, &ended, &gender, &birthYear, &joinYear); err != nil {
			return nil, err
		}
		p.from, p.to = packDate(from), packDate(to)
		p.birthYear, p.joinYear = int16(birthYear), int16(joinYear)
		c.mu.Lock()
		var e1, e2, e3 error
		p.began, e1 = c.code(began)
		p.ended, e2 = c.code(ended)
		p.gender, e3 = c.code(gender)
		c.mu.Unlock()
		if err := errors.Join(e1, e2, e3); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// keep stores b as the branch's copy unless a newer one is there (two
// reads of a branch may run at once), keeping the cache bounded.
func (c *periodsCache) keep(branchID string, b *cachedBranch) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.branches[branchID]
	if old != nil && old.seq > b.seq {
		return
	}
	if c.branches == nil {
		c.branches = map[string]*cachedBranch{}
	}
	if old != nil {
		c.size -= len(old.periods)
	}
	c.branches[branchID] = b
	c.size += len(b.periods)
	if c.size <= maxCachedPeriods {
		return
	}
	for id, e := range c.branches { // map order: arbitrary branches go
		if c.size <= maxCachedPeriods/10*9 {
			break
		}
		if id != branchID {
			c.size -= len(e.periods)
			delete(c.branches, id)
		}
	}
}

// expand unpacks a branch's periods for counting.
func (c *periodsCache) expand(branchID string, ps []cachedPeriod) []rollups.MovedPeriod {
	c.mu.Lock()
	names := c.names // only ever appended to: the prefix read is stable
	c.mu.Unlock()
	out := make([]rollups.MovedPeriod, len(ps))
	for i, p := range ps {
		out[i] = rollups.MovedPeriod{
			Gender: members.Gender(names[p.gender]), BirthYear: int(p.birthYear), JoinYear: int(p.joinYear),
			Stint: members.Stint{BranchID: branchID, From: unpackDate(p.from), To: unpackDate(p.to),
				StartedBy: members.EventType(names[p.began]), EndedBy: members.EventType(names[p.ended])},
		}
	}
	return out
}
