package mongotest

// The index-coverage checker. No MongoDB query planner runs in the tests
// (FerretDB v1 pushes no filter to an index), so the tests record every
// command the adapter sends and check each filter and sort against Indexes
// by MongoDB's rule for a compound index, ESR: the index key starts with
// the equality fields (in any order), then the sort fields (in order, all in
// the index's direction or all reversed), then the range fields. A query
// that no declared index serves that way is a full scan or an in-memory
// sort in production, and fails the test.
//
// It lives in this test-only package (beside the FerretDB the tests start)
// so that other packages' tests can use it and the sohoi binary never links
// it: .ci/run's check that FerretDB is not linked covers it too.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"

	store "github.com/sohoi/sohoi/internal/store/mongo"
)

// Recorder keeps the query commands a client sends, and its inserts (the
// sharding checker reads their documents, shardplan.go). It is safe for
// concurrent use.
type Recorder struct {
	mu     sync.Mutex
	cmds   []recordedCmd
	counts map[string]int
}

type recordedCmd struct {
	name string
	cmd  bson.Raw
}

// checkedCommands are the commands that read or select documents; the
// others (insert, createIndexes, ping, hello, getMore, …) are not queries.
var checkedCommands = map[string]bool{
	"find": true, "count": true, "distinct": true, "aggregate": true,
	"update": true, "delete": true, "findAndModify": true,
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder { return &Recorder{counts: map[string]int{}} }

// Monitor returns a command monitor that records into r; pass it to
// Options.Monitor or options.Client().SetMonitor.
func (r *Recorder) Monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.counts[e.CommandName]++
		if checkedCommands[e.CommandName] || e.CommandName == "insert" { // inserts for the shard plan's rule 4
			// The driver may reuse the buffer after the event.
			r.cmds = append(r.cmds, recordedCmd{name: e.CommandName, cmd: slices.Clone(e.Command)})
		}
	}}
}

// Counts returns how many commands of each name were sent.
func (r *Recorder) Counts() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.counts))
	for k, v := range r.counts {
		out[k] = v
	}
	return out
}

// Uncovered checks every recorded command against indexes and describes
// each distinct problem; it is empty when every query has an index.
func (r *Recorder) Uncovered(indexes []store.Index) []string {
	r.mu.Lock()
	cmds := slices.Clone(r.cmds)
	r.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, c := range cmds {
		if err := CheckCommand(c.name, c.cmd, indexes); err != nil && !seen[err.Error()] {
			seen[err.Error()] = true
			out = append(out, err.Error())
		}
	}
	sort.Strings(out)
	return out
}

// CheckCommand reports whether one command is served by one of indexes
// (or by its collection's _id index): nil when it is, or when the command
// is not a query; otherwise an error saying which query is not.
func CheckCommand(cmdName string, cmd bson.Raw, indexes []store.Index) error {
	if !checkedCommands[cmdName] {
		return nil
	}
	first, err := cmd.IndexErr(0)
	if err != nil {
		return fmt.Errorf("%s: unreadable command: %w", cmdName, err)
	}
	coll, ok := first.Value().StringValueOK()
	if !ok {
		return fmt.Errorf("%s: no collection named in %s", cmdName, cmd)
	}
	check := func(filter, sortDoc bson.Raw) error {
		if err := checkQuery(coll, filter, sortDoc, indexes); err != nil {
			return fmt.Errorf("%s on %s: %w", cmdName, coll, err)
		}
		return nil
	}
	switch cmdName {
	case "find":
		if gridFSEmptinessCheck(coll, cmd) {
			return nil
		}
		return check(subDoc(cmd, "filter"), subDoc(cmd, "sort"))
	case "count":
		q := subDoc(cmd, "query")
		if elems, _ := q.Elements(); len(elems) == 0 {
			return nil // no query: counted from the collection's metadata
		}
		return check(q, nil)
	case "distinct":
		return check(subDoc(cmd, "query"), nil)
	case "findAndModify":
		return check(subDoc(cmd, "query"), subDoc(cmd, "sort"))
	case "update", "delete":
		list, q := "updates", "q"
		if cmdName == "delete" {
			list = "deletes"
		}
		arr, ok := cmd.Lookup(list).ArrayOK()
		if !ok {
			return fmt.Errorf("%s on %s: no %s array", cmdName, coll, list)
		}
		vals, err := arr.Values()
		if err != nil {
			return err
		}
		var problems []error
		for _, v := range vals {
			stmt, ok := v.DocumentOK()
			if !ok {
				return fmt.Errorf("%s on %s: %s holds a non-document", cmdName, coll, list)
			}
			problems = append(problems, check(subDoc(stmt, q), subDoc(stmt, "sort")))
		}
		return errors.Join(problems...)
	case "aggregate":
		filter, sortDoc, err := pipelineQuery(cmd)
		if err != nil {
			return fmt.Errorf("aggregate on %s: %w", coll, err)
		}
		return check(filter, sortDoc)
	}
	return nil
}

// gridFSEmptinessCheck is the one query exempt from the check, with its
// reason: before its first write a GridFS bucket asks whether its files
// collection is empty (find {} limit 1 on <bucket>.files, then creates
// its indexes when it is). That reads at most one document whatever the
// collection holds, so it needs no index; the driver sends it and sohoi
// cannot change it (mongo/evidence.go).
func gridFSEmptinessCheck(coll string, cmd bson.Raw) bool {
	if !strings.HasSuffix(coll, ".files") {
		return false
	}
	if elems, _ := subDoc(cmd, "filter").Elements(); len(elems) != 0 {
		return false
	}
	limit, ok := cmd.Lookup("limit").AsInt64OK()
	return ok && limit == 1
}

// pipelineQuery finds what an index can serve in a pipeline: a leading
// $match and the $sort right after it, or a leading $sort with no $match
// after it (a whole collection read in index order, e.g. to page through
// it).
func pipelineQuery(cmd bson.Raw) (filter, sortDoc bson.Raw, err error) {
	arr, ok := cmd.Lookup("pipeline").ArrayOK()
	if !ok {
		return nil, nil, errors.New("no pipeline")
	}
	stages, err := arr.Values()
	if err != nil {
		return nil, nil, err
	}
	stage := func(i int) (string, bson.Raw) {
		if i >= len(stages) {
			return "", nil
		}
		d, ok := stages[i].DocumentOK()
		if !ok {
			return "", nil
		}
		e, err := d.IndexErr(0)
		if err != nil {
			return "", nil
		}
		v, _ := e.Value().DocumentOK()
		return e.Key(), v
	}
	switch name, v := stage(0); name {
	case "$match":
		if next, s := stage(1); next == "$sort" {
			return v, s, nil
		}
		return v, nil, nil
	case "$sort":
		for i := 1; i < len(stages); i++ {
			if later, _ := stage(i); later == "$match" {
				return nil, nil, errors.New("pipeline filters with $match after a leading $sort: it reads the whole collection")
			}
		}
		return nil, v, nil
	case "":
		return nil, nil, errors.New("empty pipeline reads the whole collection")
	default:
		return nil, nil, fmt.Errorf("pipeline starts with %s, not $match or $sort: it reads the whole collection", name)
	}
}

func subDoc(doc bson.Raw, key string) bson.Raw {
	d, _ := doc.Lookup(key).DocumentOK()
	return d
}
