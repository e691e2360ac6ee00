package audit

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/unitpath"
)

func TestChanged(t *testing.T) {
	for _, c := range []struct {
		name          string
		before, after Fields
		b, a          string
		changed       bool
	}{
		{"create: every field after", nil, Fields{"name": "A", "version": 1}, "", `{"name":"A","version":1}`, true},
		{"delete: every field before", Fields{"name": "A"}, nil, `{"name":"A"}`, "", true},
		{"update: only what changed", Fields{"name": "A", "code": "1", "version": 1}, Fields{"name": "B", "code": "1", "version": 2},
			`{"name":"A","version":1}`, `{"name":"B","version":2}`, true},
		{"nothing changed", Fields{"name": "A"}, Fields{"name": "A"}, "", "", false},
		{"a field that appears", Fields{"name": "A"}, Fields{"name": "A", "passwordChanged": true}, "", `{"passwordChanged":true}`, true},
		{"nested values compared whole", Fields{"grants": []map[string]string{{"role": "viewer"}}},
			Fields{"grants": []map[string]string{{"role": "editor"}}}, `{"grants":[{"role":"viewer"}]}`, `{"grants":[{"role":"editor"}]}`, true},
		{"secrets never kept", Fields{"passwordHash": "x"}, Fields{"passwordHash": "y", "password": "p", "refreshToken": "t", "privateKey": "k"}, "", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, a, changed := Changed(c.before, c.after)
			if string(b) != c.b || string(a) != c.a || changed != c.changed {
				t.Errorf("got %s / %s / %v, want %s / %s / %v", b, a, changed, c.b, c.a, c.changed)
			}
		})
	}
}

func TestMatches(t *testing.T) {
	stored := Fields{"name": "B", "version": 2, "grants": []map[string]string{{"role": "editor"}}}
	for after, want := range map[string]bool{
		`{"name":"B","version":2}`:             true,
		`{"grants":[{"role":"editor"}]}`:       true,
		`{"name":"B","version":3}`:             false,
		`{"name":"B","missing":1}`:             false,
		`not json`:                             false,
		`{"version":2.0}`:                      true, // numbers compare as numbers
		`{"grants":[{"role":"viewer"}]}`:       false,
		`{"name":"B","grants":[],"version":2}`: false,
	} {
		if got := Matches(json.RawMessage(after), stored); got != want {
			t.Errorf("Matches(%s) = %v, want %v", after, got, want)
		}
	}
}

func entry(seq int64) *Entry {
	return &Entry{Seq: seq, At: time.Date(2026, 7, 1, 8, 0, 0, int(seq)*1e6, time.UTC), ActorID: "u1", ActorName: "lan",
		Action: Update, ObjectType: ObjUnit, ObjectID: "x", Path: unitpath.Path{"root", "x"},
		Before: json.RawMessage(`{"name":"A"}`), After: json.RawMessage(`{ "name" : "B" }`), State: Done}
}

func TestSealCoversEveryField(t *testing.T) {
	base := entry(1)
	base.Seal(nil)
	if len(base.Hash) != 64 {
		t.Fatalf("hash %q", base.Hash)
	}
	for name, change := range map[string]func(e *Entry){
		"seq":    func(e *Entry) { e.Seq = 2 },
		"at":     func(e *Entry) { e.At = e.At.Add(time.Millisecond) },
		"actor":  func(e *Entry) { e.ActorName = "hung" },
		"action": func(e *Entry) { e.Action = Delete },
		"object": func(e *Entry) { e.ObjectID = "y" },
		"path":   func(e *Entry) { e.Path = unitpath.Path{"root", "y"} },
		"before": func(e *Entry) { e.Before = json.RawMessage(`{"name":"Z"}`) },
		"after":  func(e *Entry) { e.After = json.RawMessage(`{"name":"Z"}`) },
		"detail": func(e *Entry) { e.Detail = json.RawMessage(`{"q":"a"}`) },
		"state":  func(e *Entry) { e.State = Void },
		"prev":   func(e *Entry) { e.PrevHash = "00" },
	} {
		e := *base
		change(&e)
		if e.Sum() == base.Hash {
			t.Errorf("changing %s keeps the hash", name)
		}
	}
	same := *base
	same.After = json.RawMessage(`{"name":"B"}`) // spacing is not content
	same.At = same.At.Add(time.Microsecond)      // below what stores keep
	if same.Sum() != base.Hash {
		t.Error("the hash depends on JSON spacing or sub-millisecond time")
	}
}

// chainStore is a Store of entries in memory, for Verify and Recover.
type chainStore struct {
	Store
	entries []*Entry
	head    int64
}

func (s *chainStore) AuditHead(context.Context) (int64, error) { return s.head, nil }
func (s *chainStore) AuditChain(_ context.Context, after int64, limit int) ([]*Entry, error) {
	var out []*Entry
	for _, e := range s.entries {
		if e.Seq > after && len(out) < limit {
			c := *e
			out = append(out, &c)
		}
	}
	return out, nil
}

func chain(n int) *chainStore {
	s := &chainStore{head: int64(n)}
	var prev *Entry
	for i := 1; i <= n; i++ {
		e := entry(int64(i))
		e.Seal(prev)
		s.entries, prev = append(s.entries, e), e
	}
	return s
}

func TestVerify(t *testing.T) {
	for _, c := range []struct {
		name   string
		tamper func(s *chainStore)
		seq    int64
		what   string
	}{
		{"intact", func(*chainStore) {}, 0, ""},
		{"content changed", func(s *chainStore) { s.entries[2].After = json.RawMessage(`{"name":"C"}`) }, 3, "changed"},
		{"rehashed after a change", func(s *chainStore) {
			s.entries[2].ActorName = "hung"
			s.entries[2].Hash = s.entries[2].Sum()
		}, 4, "inserted"}, // the next entry no longer links to it
		{"removed", func(s *chainStore) { s.entries = append(s.entries[:2], s.entries[3:]...) }, 3, "removed"},
		{"last removed", func(s *chainStore) { s.entries = s.entries[:4] }, 5, "removed"},
		{"inserted", func(s *chainStore) {
			e := entry(3)
			e.Seal(s.entries[1])
			s.entries = append(s.entries[:2], append([]*Entry{e}, s.entries[2:]...)...)
		}, 3, "inserted"},
		{"unsealed tail", func(s *chainStore) { s.entries[4].Hash, s.entries[4].PrevHash = "", "" }, 0, ""},
		{"sealed after unsealed", func(s *chainStore) { s.entries[3].Hash, s.entries[3].PrevHash = "", "" }, 5, "inserted"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := chain(5)
			c.tamper(s)
			r, err := Verify(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case c.what == "" && r.Problem != nil:
				t.Errorf("found %v in an intact chain", r.Problem)
			case c.what != "" && (r.Problem == nil || r.Problem.Seq != c.seq || r.Problem.What != c.what):
				t.Errorf("found %+v, want entry %d %s", r.Problem, c.seq, c.what)
			}
		})
	}
}

type objects map[string]Fields

func (o objects) AuditFields(_ context.Context, _, id string) (Fields, error) {
	f, ok := o[id]
	if !ok {
		return nil, errs.E(errs.NotFound, "gone")
	}
	return f, nil
}

func TestDecide(t *testing.T) {
	stored := objects{"x": {"name": "B", "version": 2}}
	for _, c := range []struct {
		name   string
		action string
		id     string
		after  string
		want   State
	}{
		{"written", Update, "x", `{"name":"B","version":2}`, Done},
		{"not written", Update, "x", `{"name":"C","version":2}`, Void},
		{"created and there", Create, "x", `{"name":"B"}`, Done},
		{"created, never stored", Create, "y", `{"name":"B"}`, Void},
		{"deleted and gone", Delete, "y", ``, Done},
		{"delete never done", Delete, "x", ``, Void},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := &Entry{Action: c.action, ObjectType: ObjUnit, ObjectID: c.id, After: json.RawMessage(c.after)}
			if got, err := decide(context.Background(), stored, e); err != nil || got != c.want {
				t.Errorf("got %s %v, want %s", got, err, c.want)
			}
		})
	}
}
