package audit

import (
	"context"
	"fmt"
)

// Problem is the first break Verify finds in a chain.
type Problem struct {
	Seq    int64  // where the chain breaks
	What   string // changed, removed, inserted, unsealed
	Detail string
}

func (p *Problem) Error() string {
	return fmt.Sprintf("audit entry %d %s: %s", p.Seq, p.What, p.Detail)
}

// Report is what Verify found.
type Report struct {
	Entries  int64 // entries walked
	Head     int64 // the last sequence number handed out (at least)
	Unsealed int64 // entries at the end not yet sealed (pending changes)
	Problem  *Problem
}

// Verify walks the whole chain of store in order and reports the first
// entry changed (its hash is not the hash of its content), removed (a
// sequence number missing, or the next entry's PrevHash not the hash
// before it) or inserted (a sequence number out of place, or a PrevHash
// linking to another entry). Unsealed entries are allowed only at the
// end (pending changes not yet settled: Recover settles them).
func Verify(ctx context.Context, store Store) (*Report, error) {
	r := &Report{}
	head, err := store.AuditHead(ctx)
	if err != nil {
		return nil, err
	}
	r.Head = head
	var prev *Entry
	var after int64
	for {
		batch, err := store.AuditChain(ctx, after, 500)
		if err != nil {
			return nil, err
		}
		for _, e := range batch {
			r.Entries++
			if p := check(prev, e, r.Unsealed > 0); p != nil {
				r.Problem = p
				return r, nil
			}
			if !e.Sealed() {
				r.Unsealed++
			}
			prev, after = e, e.Seq
		}
		if len(batch) < 500 {
			break
		}
	}
	if after < head && r.Problem == nil {
		r.Problem = &Problem{Seq: after + 1, What: "removed", Detail: fmt.Sprintf("the chain ends at %d but %d numbers were handed out", after, head)}
	}
	// Entries beyond the head are not flagged: on a server whose $inc is
	// not atomic the head can fall behind (see the MongoDB store); they
	// are chained, and a change to them is found like any other.
	return r, nil
}

// check compares e with the entry before it.
func check(prev, e *Entry, unsealedBefore bool) *Problem {
	want := int64(1)
	if prev != nil {
		want = prev.Seq + 1
	}
	switch {
	case e.Seq > want:
		return &Problem{Seq: want, What: "removed", Detail: fmt.Sprintf("the next entry is %d", e.Seq)}
	case e.Seq < want:
		return &Problem{Seq: e.Seq, What: "inserted", Detail: "a sequence number out of place"}
	}
	if !e.Sealed() {
		return nil // pending, or settled but not yet sealed: only the tail may be
	}
	if unsealedBefore {
		return &Problem{Seq: e.Seq, What: "inserted", Detail: "a sealed entry after an unsealed one"}
	}
	if sum := e.Sum(); sum != e.Hash {
		return &Problem{Seq: e.Seq, What: "changed", Detail: "its content does not hash to its stored hash"}
	}
	prevHash := ""
	if prev != nil {
		prevHash = prev.Hash
	}
	if e.PrevHash != prevHash {
		return &Problem{Seq: e.Seq, What: "inserted", Detail: "it does not link to the entry before it"}
	}
	return nil
}
