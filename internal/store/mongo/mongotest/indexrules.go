package mongotest

// How one filter and sort are matched against the declared indexes, by
// MongoDB's ESR rule (see indexcheck.go): a filter is split into its $or
// alternatives, each field classified as equality, range or unindexable,
// and each alternative must be served by a prefix of one index.

import (
	"fmt"
	"sort"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	store "github.com/sohoi/sohoi/internal/store/mongo"
)

// use is how a predicate lets an index use a field, weakest first.
type use int

const (
	unindexable use = iota + 1 // $ne, $nin, $exists, $regex, $not, $expr, …
	rangeUse                   // $gt, $gte, $lt, $lte
	eqMany                     // $in with several values
	eqOne                      // a value, $eq, $in with one value, $all (see classifyAll)
)

// conj is one conjunction of a filter: field → how it can use an index. A
// field with several predicates keeps the strongest: the index bounds come
// from it and the rest is checked on the fetched document.
type conj map[string]use

func (c conj) add(field string, u use) {
	if u > c[field] {
		c[field] = u
	}
}

// maxBranches bounds the expansion of nested $or into alternatives.
const maxBranches = 64

// analyze turns a filter into its alternatives (one per $or branch, in
// disjunctive normal form). A query is covered when every one is.
func analyze(filter bson.Raw) ([]conj, error) {
	out := []conj{{}}
	elems, err := filter.Elements()
	if err != nil {
		return nil, err
	}
	for _, e := range elems {
		key, v := e.Key(), e.Value()
		switch {
		case key == "$and" || key == "$or":
			arr, ok := v.ArrayOK()
			if !ok {
				return nil, fmt.Errorf("%s is not an array", key)
			}
			clauses, err := arr.Values()
			if err != nil {
				return nil, err
			}
			if len(clauses) == 0 {
				return nil, fmt.Errorf("empty %s", key)
			}
			var branches []conj // for $or: the alternatives
			for _, c := range clauses {
				d, ok := c.DocumentOK()
				if !ok {
					return nil, fmt.Errorf("%s holds a non-document", key)
				}
				sub, err := analyze(d)
				if err != nil {
					return nil, err
				}
				if key == "$and" {
					out = product(out, sub)
				} else {
					branches = append(branches, sub...)
				}
			}
			if key == "$or" {
				out = product(out, branches)
			}
			if len(out) > maxBranches {
				return nil, fmt.Errorf("more than %d $or alternatives", maxBranches)
			}
		case key == "$comment":
		case strings.HasPrefix(key, "$"): // $expr, $where, $nor, $text, $jsonSchema…
			for _, c := range out {
				c.add(key, unindexable)
			}
		default:
			u := classify(v)
			for _, c := range out {
				c.add(key, u)
			}
		}
	}
	return out, nil
}

// product is every alternative of a combined with every one of b.
func product(a, b []conj) []conj {
	out := make([]conj, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			c := conj{}
			for f, u := range x {
				c.add(f, u)
			}
			for f, u := range y {
				c.add(f, u)
			}
			out = append(out, c)
		}
	}
	return out
}

// classify says how the predicate v on one field can use an index.
func classify(v bson.RawValue) use {
	if v.Type == bson.TypeRegex {
		return unindexable
	}
	d, ok := v.DocumentOK()
	if !ok {
		return eqOne // a plain value (or an array) compared for equality
	}
	elems, err := d.Elements()
	if err != nil || len(elems) == 0 || !strings.HasPrefix(elems[0].Key(), "$") {
		return eqOne // equality with an embedded document
	}
	best := use(0)
	for _, e := range elems {
		u := unindexable
		switch e.Key() {
		case "$eq":
			if e.Value().Type != bson.TypeRegex {
				u = eqOne
			}
		case "$in":
			u = classifyIn(e.Value())
		case "$all":
			u = classifyAll(e.Value())
		case "$gt", "$gte", "$lt", "$lte":
			u = rangeUse
		}
		best = max(best, u)
	}
	return best
}

func classifyIn(v bson.RawValue) use {
	arr, ok := v.ArrayOK()
	if !ok {
		return unindexable
	}
	vals, err := arr.Values()
	if err != nil {
		return unindexable
	}
	for _, x := range vals {
		if x.Type == bson.TypeRegex {
			return unindexable
		}
	}
	if len(vals) == 1 {
		return eqOne
	}
	return eqMany
}

// classifyAll: {f: {$all: [a, b, …]}} is {$and: [{f: a}, {f: b}, …]} to
// MongoDB. Bounds on a multikey field do not intersect, so the index scan
// is bounded by one element (the first, on older servers; the manual
// documents this for $all) and the others are checked on the fetched
// documents: a single-value equality on f, eqOne, like {f: a}. The scan is
// as long as that element is common, which is the caller's to keep in
// mind. An empty $all matches nothing and an $elemMatch or regex element
// bounds nothing, so those are not indexable.
func classifyAll(v bson.RawValue) use {
	arr, ok := v.ArrayOK()
	if !ok {
		return unindexable
	}
	vals, err := arr.Values()
	if err != nil || len(vals) == 0 {
		return unindexable
	}
	for _, x := range vals {
		if x.Type == bson.TypeRegex {
			return unindexable
		}
		if d, ok := x.DocumentOK(); ok {
			if first, err := d.IndexErr(0); err == nil && strings.HasPrefix(first.Key(), "$") {
				return unindexable
			}
		}
	}
	return eqOne
}

type sortKey struct {
	field string
	dir   int // 1 or -1; 0 when not a plain direction ($meta, $natural)
}

func sortKeys(d bson.D) []sortKey {
	out := make([]sortKey, 0, len(d))
	for _, e := range d {
		out = append(out, sortKey{e.Key, direction(e.Value)})
	}
	return out
}

func rawSortKeys(sortDoc bson.Raw) ([]sortKey, error) {
	elems, err := sortDoc.Elements()
	if err != nil {
		return nil, err
	}
	out := make([]sortKey, 0, len(elems))
	for _, e := range elems {
		var dir int
		if n, ok := e.Value().AsInt64OK(); ok {
			dir = sign(n)
		} else if f, ok := e.Value().DoubleOK(); ok {
			dir = sign(int64(f))
		}
		out = append(out, sortKey{e.Key(), dir})
	}
	return out, nil
}

func direction(v any) int {
	switch n := v.(type) {
	case int:
		return sign(int64(n))
	case int32:
		return sign(int64(n))
	case int64:
		return sign(n)
	case float64:
		return sign(int64(n))
	}
	return 0 // "text", "hashed", "2dsphere": not an ordered key
}

func sign(n int64) int {
	switch {
	case n > 0:
		return 1
	case n < 0:
		return -1
	}
	return 0
}

var idIndex = store.Index{Name: "_id_", Keys: bson.D{{Key: "_id", Value: 1}}, Unique: true}

// checkQuery checks one filter and sort on coll.
func checkQuery(coll string, filter, sortDoc bson.Raw, indexes []store.Index) error {
	if len(filter) == 0 {
		filter = emptyDoc
	}
	if len(sortDoc) == 0 {
		sortDoc = emptyDoc
	}
	alts, err := analyze(filter)
	if err != nil {
		return fmt.Errorf("filter %s: %w", filter, err)
	}
	sk, err := rawSortKeys(sortDoc)
	if err != nil {
		return fmt.Errorf("sort %s: %w", sortDoc, err)
	}
	candidates := []store.Index{idIndex}
	for _, ix := range indexes {
		if ix.Collection == coll {
			candidates = append(candidates, ix)
		}
	}
	for _, c := range alts {
		if !covered(c, sk, candidates) {
			what := describe(c)
			if len(alts) > 1 {
				what = "the $or alternative with " + what
			}
			return fmt.Errorf("no declared index serves filter %s sort %s: %s", filter, sortDoc, what)
		}
	}
	return nil
}

var emptyDoc = func() bson.Raw { b, _ := bson.Marshal(bson.D{}); return b }()

// covered reports whether one of candidates serves c with sort sk.
func covered(c conj, sk []sortKey, candidates []store.Index) bool {
	// A query pinned to at most one document by a unique key needs nothing
	// more: the other fields are checked on that one document.
	for _, ix := range candidates {
		if ix.Unique && pins(c, ix) {
			return true
		}
	}
	for _, u := range c {
		if u == unindexable {
			return false
		}
	}
	if len(c) == 0 && len(sk) == 0 {
		return false // a collection scan
	}
	for _, ix := range candidates {
		if serves(c, sk, sortKeys(ix.Keys)) {
			return true
		}
	}
	return false
}

// pins reports whether c has a single-value equality on every key of ix.
func pins(c conj, ix store.Index) bool {
	for _, k := range ix.Keys {
		if c[k.Key] != eqOne {
			return false
		}
	}
	return len(ix.Keys) > 0
}

// serves applies ESR to one index's keys.
func serves(c conj, sk []sortKey, keys []sortKey) bool {
	isEq := func(f string) bool { return c[f] == eqOne || c[f] == eqMany }
	eq := 0
	for f := range c {
		if isEq(f) {
			eq++
		}
	}
	i := 0
	// Equality: the first keys are exactly the equality fields.
	for ; i < eq; i++ {
		if i >= len(keys) || !isEq(keys[i].field) {
			return false
		}
	}
	// Sort: the next keys, in order, one direction. Sorting on a field
	// fixed by equality is free, so such fields are skipped.
	rel := 0
	for _, s := range sk {
		if isEq(s.field) {
			continue
		}
		if i >= len(keys) || keys[i].field != s.field || s.dir == 0 || keys[i].dir == 0 {
			return false
		}
		r := s.dir * keys[i].dir
		if rel != 0 && r != rel {
			return false
		}
		rel = r
		i++
	}
	// Range: each range field is in the prefix already (sorted on) or among
	// the keys that come next.
	inPrefix := map[string]bool{}
	for _, k := range keys[:i] {
		inPrefix[k.field] = true
	}
	need := 0
	for f, u := range c {
		if u == rangeUse && !inPrefix[f] {
			need++
		}
	}
	for j := 0; j < need; j++ {
		if i+j >= len(keys) || c[keys[i+j].field] != rangeUse || inPrefix[keys[i+j].field] {
			return false
		}
	}
	return true
}

// describe lists the fields of c by how they use an index.
func describe(c conj) string {
	var eq, rng, bad []string
	for f, u := range c {
		switch u {
		case eqOne, eqMany:
			eq = append(eq, f)
		case rangeUse:
			rng = append(rng, f)
		default:
			bad = append(bad, f)
		}
	}
	sort.Strings(eq)
	sort.Strings(rng)
	sort.Strings(bad)
	s := fmt.Sprintf("equality %v, range %v", eq, rng)
	if len(bad) > 0 {
		s += fmt.Sprintf(", not indexable %v", bad)
	}
	return s
}
