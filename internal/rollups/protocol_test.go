package rollups

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// This file tests the counting protocol on its own: a pure in-memory
// Store (not a database: the stores are tested by the contract suite),
// and a process that dies at a chosen step. Whatever step it dies at, the
// next process's first read ends with counters equal to a recount.

var errCrashed = errors.New("the process died")

// memStore is the protocol's Store in memory, with the facts (members by
// branch) beside it, and a step counter that fails every call from the
// crash step on, as a process that died would make no more calls.
type memStore struct {
	mu      sync.Mutex
	members map[string]*members.Member
	tickets map[string]int64 // unitID/day: last ticket handed out
	bump    map[string]int64 // unitID/day: tickets at or below are old (DeleteCounters)
	counter map[string]*Counter
	marks   map[string]*Mark // unitID/day, with Cleared below
	cleared map[string]int64
	days    []string
	steps   int
	writes  int // calls that write (tickets, tallies, marks, days)
	crashAt int // 0: never
}

func newMemStore() *memStore {
	return &memStore{members: map[string]*members.Member{}, tickets: map[string]int64{}, bump: map[string]int64{},
		counter: map[string]*Counter{}, marks: map[string]*Mark{}, cleared: map[string]int64{}}
}

func key(unitID, day string) string { return unitID + "/" + day }

// step counts a call and fails it once the process has died.
func (s *memStore) step() error {
	s.steps++
	if s.crashAt > 0 && s.steps >= s.crashAt {
		return errCrashed
	}
	return nil
}

func (s *memStore) storeMember(m *members.Member) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.step(); err != nil {
		return err
	}
	c := *m
	c.Stints = slices.Clone(m.Stints)
	s.members[m.ID] = &c
	return nil
}

func (s *memStore) BranchEveryone(_ context.Context, branch unitpath.Path) ([]*members.Member, error) {
	branchID := branch.Unit()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.step(); err != nil {
		return nil, err
	}
	var out []*members.Member
	for _, m := range s.members {
		if slices.ContainsFunc(m.Stints, func(st members.Stint) bool { return st.BranchID == branchID }) {
			c := *m
			c.Stints = slices.Clone(m.Stints)
			out = append(out, &c)
		}
	}
	return out, nil
}

// TakeTickets and PutCounters step once per unit: a crash may come
// between any two of a batch (MongoDB writes them one by one).
func (s *memStore) TakeTickets(_ context.Context, want []TicketFor) ([]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]int64, len(want))
	for i, w := range want {
		s.writes++
		if err := s.step(); err != nil {
			return nil, err
		}
		k := key(w.UnitID, w.Day)
		s.tickets[k] = max(s.tickets[k], s.bump[k]) + 1
		out[i] = s.tickets[k]
	}
	return out, nil
}

func (s *memStore) PutCounters(_ context.Context, cs []*Counter) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := 0
	for _, c := range cs {
		s.writes++
		if err := s.step(); err != nil {
			return stored, err
		}
		k := key(c.UnitID, c.Day)
		if c.Ticket <= s.bump[k] {
			continue
		}
		if old, ok := s.counter[k]; ok && old.Ticket > c.Ticket {
			continue
		}
		cc := *c
		s.counter[k] = &cc
		stored++
	}
	return stored, nil
}

func (s *memStore) ReplaceCounter(_ context.Context, c *Counter) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	cc := *c
	s.counter[key(c.UnitID, c.Day)] = &cc
	return s.step()
}

func (s *memStore) GetCounter(_ context.Context, path unitpath.Path, day string) (*Counter, error) {
	unitID := path.Unit()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.step(); err != nil {
		return nil, err
	}
	c, ok := s.counter[key(unitID, day)]
	if !ok {
		return nil, errs.E(errs.NotFound, "no tally")
	}
	cc := *c
	return &cc, nil
}

func (s *memStore) ChildCounters(_ context.Context, parent unitpath.Path, day string) ([]*Counter, error) {
	parentID := parent.Unit()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.step(); err != nil {
		return nil, err
	}
	var out []*Counter
	for _, c := range s.counter {
		if c.ParentID == parentID && c.Day == day {
			cc := *c
			out = append(out, &cc)
		}
	}
	return out, nil
}

func (s *memStore) DeleteCounters(_ context.Context, path unitpath.Path, day string) error {
	unitID := path.Unit()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	if err := s.step(); err != nil {
		return err
	}
	for k, c := range s.counter {
		if c.Day == day && slices.Contains(c.Path, unitID) {
			delete(s.counter, k)
			s.bump[k] = max(s.bump[k], s.tickets[k])
		}
	}
	return nil
}

func (s *memStore) MarkStale(_ context.Context, marks []Mark) ([]Mark, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	if err := s.step(); err != nil {
		return nil, err
	}
	out := slices.Clone(marks)
	for i, m := range marks {
		k := key(m.UnitID, m.Day) + "/" + m.Change
		gen := int64(1)
		if old, ok := s.marks[k]; ok {
			gen = old.Gen + 1
		}
		mm := m
		mm.Gen = gen
		s.marks[k] = &mm
		out[i].Gen = gen
	}
	for i, m := range out { // one unit marked twice in a call: the last generation
		out[i].Gen = s.marks[key(m.UnitID, m.Day)+"/"+m.Change].Gen
	}
	return out, nil
}

func (s *memStore) ClearMarks(_ context.Context, marks []Mark) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range marks {
		s.writes++
		if err := s.step(); err != nil {
			return err
		}
		k := key(m.UnitID, m.Day) + "/" + m.Change
		if cur, ok := s.marks[k]; ok && cur.Gen == m.Gen {
			s.cleared[k] = m.Gen
		}
	}
	return nil
}

func (s *memStore) MarksUnder(_ context.Context, path unitpath.Path, day string) ([]Mark, error) {
	unitID := path.Unit()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.step(); err != nil {
		return nil, err
	}
	var out []Mark
	for k, m := range s.marks {
		if m.Covers(day) && slices.Contains(m.Path, unitID) && s.cleared[k] != m.Gen {
			out = append(out, *m)
		}
	}
	return out, nil
}

func (s *memStore) AnyMarkUnder(ctx context.Context, path unitpath.Path, day string) (bool, error) {
	ms, err := s.MarksUnder(ctx, path, day)
	return len(ms) > 0, err
}

func (s *memStore) SnapshotDays(context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.step(); err != nil {
		return nil, err
	}
	return slices.Clone(s.days), nil
}

func (s *memStore) AddSnapshotDay(_ context.Context, day string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	if err := s.step(); err != nil {
		return err
	}
	if !slices.Contains(s.days, day) {
		s.days = append(s.days, day)
		slices.Sort(s.days)
	}
	return nil
}

func (s *memStore) AcquireLease(context.Context, string, string, time.Time, time.Time) (bool, error) {
	return true, nil
}

func (s *memStore) ReleaseLease(context.Context, string, string) error { return nil }

// memTree is a fixed tree: root, province, commune, branches A and B.
type memTree map[string]*units.Unit

func (t memTree) Load(_ context.Context, _ *access.Caller, id string, _ access.Object, _ access.Action) (*units.Unit, error) {
	if u, ok := t[id]; ok {
		return u, nil
	}
	return nil, errs.E(errs.NotFound, "unit not found")
}

func (t memTree) Children(_ context.Context, u *units.Unit, _ page.Request) (page.Result[*units.Unit], error) {
	var out []*units.Unit
	for _, c := range t {
		if c.ParentID == u.ID {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *units.Unit) int { return strings.Compare(a.ID, b.ID) })
	return page.Result[*units.Unit]{Items: out}, nil
}

// A fixed tree has never moved: its children on any day are today's.
func (t memTree) EachChildOn(ctx context.Context, u *units.Unit, _ civil.Date, fn func(*units.Unit) error) error {
	res, _ := t.Children(ctx, u, page.Request{})
	for _, c := range res.Items {
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

func (memTree) MovesSince(context.Context, string, civil.Date) ([]*units.MoveRecord, error) {
	return nil, nil
}

func (memTree) MovesOf(context.Context, []string, civil.Date) ([]*units.MoveRecord, error) {
	return nil, nil
}

type noBoards struct{}

func (noBoards) GetBoard(_ context.Context, unitID string) (*officers.Board, error) {
	return &officers.Board{UnitID: unitID}, nil
}

func newMemTree() memTree {
	created := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	t := memTree{}
	add := func(id, parent string, level units.Level) {
		u := &units.Unit{ID: id, ParentID: parent, Level: level, Status: units.Active, CreatedAt: created, Path: unitpath.Path{id}}
		if p, ok := t[parent]; ok {
			u.Path = p.Path.Child(id)
		}
		t[id] = u
	}
	add("root", "", units.Central)
	add("prov", "root", units.Province)
	add("comm", "prov", units.Commune)
	add("a", "comm", units.Branch)
	add("b", "comm", units.Branch)
	return t
}

var protocolNow = func() time.Time { return time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC) }

// write is one member change as the members service makes it: mark,
// store, settle (counting.Around), with a reader's recount of the root
// interleaved between the mark and the store: it recounts for the first
// marks, without the change, and must leave them in place.
//
// Without per-change marks a crash after the store and before the second
// marking left no mark at all (the reader had cleared the first), and the
// change was missed until a reconcile (steps 25, 26, 68, 69 failed): marks
// were one per unit and day, so any recount of the unit could clear a mark
// made for a change not stored yet. Now a mark belongs to its change and
// only its stored marking may be cleared (doc.go, invariant 4).
func write(ctx context.Context, s *Service, st *memStore, m *members.Member, paths [][]string, on civil.Date) error {
	settle, err := s.Mark(ctx, paths, on)
	if err != nil {
		return err
	}
	if _, err := s.rollup(ctx, &units.Unit{ID: "root", Path: unitpath.Path{"root"}, Level: units.Central, CreatedAt: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)}, on); err != nil {
		return err
	}
	err = st.storeMember(m)
	settle(ctx)
	return err
}

// history is a create dated before a kept month end, a read, a transfer,
// a read: every kind of protocol step, in the order a server makes them.
func history(ctx context.Context, s *Service, st *memStore, tree memTree) error {
	m := &members.Member{ID: "m1", Gender: members.Female, BirthDate: civil.Date{Year: 1960, Month: 1, Day: 1},
		JoinedOn: civil.Date{Year: 2024, Month: 3, Day: 8}, Status: members.Active, BranchID: "a", Path: tree["a"].Path,
		Stints: []members.Stint{{BranchID: "a", From: civil.Date{Year: 2024, Month: 3, Day: 8}, StartedBy: members.Joined}}}
	if err := write(ctx, s, st, m, [][]string{tree["a"].Path}, m.JoinedOn); err != nil {
		return err
	}
	if _, err := s.rollup(ctx, tree["root"], civil.Date{}); err != nil {
		return err
	}
	on := civil.Date{Year: 2025, Month: 6, Day: 2}
	moved := *m
	moved.Stints = []members.Stint{{BranchID: "a", From: m.JoinedOn, StartedBy: members.Joined, To: on, EndedBy: members.Transferred},
		{BranchID: "b", From: on, StartedBy: members.Transferred}}
	moved.BranchID, moved.Path = "b", tree["b"].Path
	if err := write(ctx, s, st, &moved, [][]string{tree["a"].Path, tree["b"].Path}, on); err != nil {
		return err
	}
	_, err := s.rollup(ctx, tree["root"], civil.Date{Year: 2025, Month: 12, Day: 31})
	return err
}

func TestACrashAtEveryStepEndsCountedExactly(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	kept := []civil.Date{{Year: 2024, Month: 12, Day: 31}, {Year: 2025, Month: 6, Day: 30}, {Year: 2025, Month: 12, Day: 31}}

	// A run without a crash says how many steps there are.
	clean := newMemStore()
	tree := newMemTree()
	svc := NewService(clean, tree, noBoards{}, log, protocolNow)
	for _, d := range append([]civil.Date{civil.Today(protocolNow())}, kept...) { // today and the kept days are counted before
		if _, err := svc.settledTally(ctx, tree["root"], d); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range kept {
		if _, err := svc.rollup(ctx, tree["root"], d); err != nil {
			t.Fatal(err)
		}
	}
	first := clean.steps
	if err := history(ctx, svc, clean, tree); err != nil {
		t.Fatal(err)
	}
	total := clean.steps - first
	if total < 20 {
		t.Fatalf("only %d steps: the history does not exercise the protocol", total)
	}
	for crash := 1; crash <= total; crash++ {
		t.Run(fmt.Sprint("crash at step ", crash), func(t *testing.T) {
			st := newMemStore()
			tree := newMemTree()
			svc := NewService(st, tree, noBoards{}, log, protocolNow)
			for _, d := range append([]civil.Date{civil.Today(protocolNow())}, kept...) { // counted before
				if _, err := svc.settledTally(ctx, tree["root"], d); err != nil {
					t.Fatal(err)
				}
			}
			st.crashAt = st.steps + crash
			// A crash inside the settling after a store is only logged (the
			// write succeeded); either way the process dies here.
			_ = history(ctx, svc, st, tree)
			// The next process: no crash, and its settler's first sweep
			// (not a read: reads never settle) settles whatever the marks
			// name.
			st.crashAt = 0
			clock := protocolNow()
			next := NewService(st, tree, noBoards{}, log, func() time.Time { return clock })
			if err := next.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			// A mark made before a store that never came (or whose second
			// marking never came) is taken for a leftover by the sweeps
			// after orphanAfter, and cleared: nothing stays pending.
			clock = clock.Add(orphanAfter)
			for _, d := range append([]civil.Date{{}}, kept...) {
				writes := st.writes
				got, err := next.rollup(ctx, tree["root"], d)
				if err != nil {
					t.Fatal(err)
				}
				if st.writes != writes {
					t.Fatalf("a read on %s after a crash at step %d wrote to the store", d, crash)
				}
				if err := next.Sweep(ctx); err != nil {
					t.Fatal(err)
				}
				if again, err := next.rollup(ctx, tree["root"], d); err != nil || again.Pending {
					t.Fatalf("on %s after a crash at step %d and sweeps %v apart: pending %v, %v", d, crash, orphanAfter, again.Pending, err)
				}
				day := d
				if day.IsZero() {
					day = civil.Today(protocolNow())
				}
				want, err := next.computeFromFacts(ctx, tree["root"], "recount", day, nil)
				if err != nil {
					t.Fatal(err)
				}
				if got.Totals != want.Totals(day) {
					t.Fatalf("on %s after a crash at step %d: read %+v, a recount %+v", day, crash, got.Totals, want.Totals(day))
				}
			}
			rec, err := next.Reconcile(ctx, access.System("test"), tree["root"])
			if err != nil || len(rec.Repairs) != 0 {
				t.Fatalf("reconcile after a crash at step %d: %v %v", crash, rec.Repairs, err)
			}
		})
	}
}

// TestChangesInOneWindowCostOneRecountAbove writes five members into a
// branch 20 ms apart, each settled behind the write: the settler
// collects them over its window and recounts the province once, not five
// times. The window is lengthened here so that a loaded machine (CI, the
// race detector) cannot stretch five quick writes past it.
func TestChangesInOneWindowCostOneRecountAbove(t *testing.T) {
	ctx := context.Background()
	st, tree := newMemStore(), newMemTree()
	s := NewService(st, tree, noBoards{}, slog.New(slog.NewTextHandler(io.Discard, nil)), protocolNow)
	s.window = 2 * time.Second
	stop := s.StartSettling(true, false)
	defer stop()
	if err := s.WaitSettled(ctx); err != nil { // the settler's first sweep
		t.Fatal(err)
	}
	joined := civil.Date{Year: 2026, Month: 5, Day: 1}
	for i := range 5 {
		m := &members.Member{ID: fmt.Sprint("m", i), Gender: members.Male, BirthDate: civil.Date{Year: 1970, Month: 1, Day: 1},
			JoinedOn: joined, Status: members.Active, BranchID: "a", Path: tree["a"].Path,
			Stints: []members.Stint{{BranchID: "a", From: joined, StartedBy: members.Joined}}}
		settle, err := s.Mark(ctx, [][]string{tree["a"].Path}, joined)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.storeMember(m); err != nil {
			t.Fatal(err)
		}
		settle(ctx)
		time.Sleep(20 * time.Millisecond) // writes apart, as users make them, all within one window
	}
	if err := s.WaitSettled(ctx); err != nil {
		t.Fatal(err)
	}
	st.mu.Lock()
	recounts := st.tickets[key("prov", live)]
	st.mu.Unlock()
	if recounts != 1 {
		t.Fatalf("the province was recounted %d times for five changes in one window", recounts)
	}
	got, err := s.rollup(ctx, tree["prov"], civil.Date{})
	if err != nil || got.Totals.Members != 5 {
		t.Fatalf("province after the window: %+v %v", got, err)
	}
}

// TestAReadWhileAChangeIsPendingWritesNothing leaves a change marked and
// stored but not settled (as a crash after the store would), today and on
// a kept month end it is dated before: every read answers at once and
// writes nothing to the store; above the branch it answers the stored
// figures and says they are pending, the branch itself is counted from
// its roll. Only the settler's sweep settles them. Before, a read settled
// the marks below it (recounts, tallies and cleared marks: writes).
func TestAReadWhileAChangeIsPendingWritesNothing(t *testing.T) {
	ctx := context.Background()
	st, tree := newMemStore(), newMemTree()
	clock := protocolNow()
	s := NewService(st, tree, noBoards{}, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return clock })
	kept := civil.Date{Year: 2025, Month: 12, Day: 31}
	for _, d := range []civil.Date{civil.Today(protocolNow()), kept} {
		if _, err := s.settledTally(ctx, tree["root"], d); err != nil {
			t.Fatal(err)
		}
	}
	joined := civil.Date{Year: 2025, Month: 3, Day: 8}
	m := &members.Member{ID: "m1", Gender: members.Female, BirthDate: civil.Date{Year: 1960, Month: 1, Day: 1},
		JoinedOn: joined, Status: members.Active, BranchID: "a", Path: tree["a"].Path,
		Stints: []members.Stint{{BranchID: "a", From: joined, StartedBy: members.Joined}}}
	if _, err := s.Mark(ctx, [][]string{tree["a"].Path}, joined); err != nil { // its settling never comes
		t.Fatal(err)
	}
	if err := st.storeMember(m); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"root", "prov", "comm", "a"} {
		for _, d := range []civil.Date{{}, kept, {Year: 2025, Month: 12, Day: 15}} {
			writes := st.writes
			got, err := s.rollup(ctx, tree[u], d)
			if err != nil {
				t.Fatal(err)
			}
			if st.writes != writes {
				t.Fatalf("a read of %s on %s wrote %d times", u, d, st.writes-writes)
			}
			if u == "a" || d.Day == 15 { // the branch is counted from its roll, a day not kept from the facts: exact
				if got.Pending || got.Totals.Members != 1 {
					t.Fatalf("%s on %s with its change not settled: %+v", u, d, got)
				}
				continue
			}
			if !got.Pending {
				t.Fatalf("a read of %s on %s with a change not settled: not pending", u, d)
			}
			if d == kept && got.Totals.Members != 0 {
				t.Fatalf("the kept day of %s changed without a settling: %+v", u, got.Totals)
			}
		}
		writes := st.writes
		p, err := s.periodReport(ctx, tree[u], civil.Date{Year: 2025, Month: 12, Day: 16}, kept)
		if err != nil || p.Pending != (u != "a") || st.writes != writes {
			t.Fatalf("a period report of %s: pending %v, %d writes, %v", u, p != nil && p.Pending, st.writes-writes, err)
		}
	}
	// The first sweep counts the change; the mark, made before the store
	// and never marked again, is cleared by a sweep orphanAfter later.
	if err := s.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	for _, d := range []civil.Date{{}, kept} {
		got, err := s.rollup(ctx, tree["root"], d)
		if err != nil || got.Totals.Members != 1 {
			t.Fatalf("root on %s after the sweep: %+v %v", d, got, err)
		}
	}
	clock = clock.Add(orphanAfter)
	if err := s.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	for _, d := range []civil.Date{{}, kept} {
		got, err := s.rollup(ctx, tree["root"], d)
		if err != nil || got.Pending || got.Totals.Members != 1 {
			t.Fatalf("root on %s after the sweeps: %+v %v", d, got, err)
		}
	}
}

// TestTheBranchIsExactWhenTheWriteAnswers writes a member with the settler
// running: when the write's settling returns, the branch's own figures
// count it (a branch with a change pending is read from its roll), while
// the units above wait for the settler (its window is 150 ms) and say so;
// once it has run they count it too. The write itself recounts nothing.
func TestTheBranchIsExactWhenTheWriteAnswers(t *testing.T) {
	ctx := context.Background()
	st, tree := newMemStore(), newMemTree()
	s := NewService(st, tree, noBoards{}, slog.New(slog.NewTextHandler(io.Discard, nil)), protocolNow)
	if _, err := s.settledTally(ctx, tree["root"], civil.Today(protocolNow())); err != nil {
		t.Fatal(err)
	}
	stop := s.StartSettling(true, false)
	defer stop()
	if err := s.WaitSettled(ctx); err != nil { // the first sweep
		t.Fatal(err)
	}
	joined := civil.Date{Year: 2026, Month: 5, Day: 1}
	m := &members.Member{ID: "m1", Gender: members.Male, BirthDate: civil.Date{Year: 1970, Month: 1, Day: 1},
		JoinedOn: joined, Status: members.Active, BranchID: "a", Path: tree["a"].Path,
		Stints: []members.Stint{{BranchID: "a", From: joined, StartedBy: members.Joined}}}
	settle, err := s.Mark(ctx, [][]string{tree["a"].Path}, joined)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.storeMember(m); err != nil {
		t.Fatal(err)
	}
	tickets := func() int64 { st.mu.Lock(); defer st.mu.Unlock(); return st.tickets[key("a", live)] }
	before := tickets()
	settle(ctx)
	if tickets() != before {
		t.Fatal("the write recounted the branch itself")
	}
	branch, err := s.rollup(ctx, tree["a"], civil.Date{})
	if err != nil || branch.Totals.Members != 1 || branch.Totals.ActiveMembers != 1 {
		t.Fatalf("the branch when its write answered: %+v %v", branch, err)
	}
	prov, err := s.rollup(ctx, tree["prov"], civil.Date{})
	if err != nil || !prov.Pending {
		t.Fatalf("the province within the settler's window: %+v %v", prov, err)
	}
	if err := s.WaitSettled(ctx); err != nil {
		t.Fatal(err)
	}
	prov, err = s.rollup(ctx, tree["prov"], civil.Date{})
	if err != nil || prov.Pending || prov.Totals.Members != 1 {
		t.Fatalf("the province once settled: %+v %v", prov, err)
	}
}
