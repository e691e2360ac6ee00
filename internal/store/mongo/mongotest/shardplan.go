package mongotest

// The sharding checker (docs/sharding.md §8). No cluster runs in the tests,
// so, as for the indexes, every recorded command is read against the plan
// (store.ShardKeys, store.Scatters): a command on a sharded collection
// must reach only the shards owning its shard key, or be a declared
// scatter that says so in its comment. A command that does neither is a
// broadcast to every shard in production (or, for a write MongoDB needs
// the key for, an error), and the tests report it.
//
// The rules, per statement of a command on a sharded collection:
//
//  1. A read, or a write of many documents (find, count, distinct,
//     aggregate's leading $match, a multi update, a delete without limit):
//     every $or alternative has an equality or $in on the shard key's
//     first field. Otherwise the command carries comment
//     "scatter:<name>" (or $comment in its filter) naming a declared
//     scatter of that command, collection and filter fields.
//  2. An upsert has an equality on every field of the shard key (MongoDB
//     refuses it otherwise).
//  3. A single-document update, delete or findAndModify carries the full
//     shard key (MongoDB before 7.0 refuses one with neither it nor an _id
//     equality; the plan's filters always name the key). No scatter
//     excuses 2 or 3.
//  4. An insert's every document carries every shard-key field.
//
//  5. An $in on the shard key's first field that lists every province of
//     the command's database (two or more) is a scatter in disguise: it
//     must carry a declared scatter's comment too. The recorder knows the
//     provinces from the units it saw inserted under the root
//     (ShardReport); CheckTargeting is given them.

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	store "github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/units"
)

// Sent is one shape of command on a sharded collection, as the checker
// classifies it: what was sent, and why it breaks the plan (Problem empty
// when it fits).
type Sent struct {
	Command string // find, update, insert, …
	Coll    string
	Shape   string // the filter's fields and how each selects, and the write's kind
	Scatter string // the declared scatter it names, if any
	Problem string // the rule it breaks; empty when it fits the plan
	Example string // the statement's filter (or the document), shortened
}

// Key names the shape: the known-failures list is keyed by it.
func (s Sent) Key() string {
	k := s.Command + " " + s.Coll + " " + s.Shape
	if s.Scatter != "" {
		k += " " + store.ScatterPrefix + s.Scatter
	}
	return k
}

// ShardReport is what a run sent to sharded collections.
type ShardReport struct {
	Sent     map[string]Sent // by Key, the first example of each shape
	Scatters map[string]int  // declared scatter name → commands sent under it that fit it
	// Databases is how many databases rule 5 knew two or more provinces of.
	Databases int
}

// Violations are the shapes that break the plan, sorted by Key.
func (r ShardReport) Violations() []Sent {
	var out []Sent
	for _, k := range slices.Sorted(maps.Keys(r.Sent)) {
		if r.Sent[k].Problem != "" {
			out = append(out, r.Sent[k])
		}
	}
	return out
}

// ShardReport checks every recorded command against the plan.
func (r *Recorder) ShardReport(keys []store.ShardKey, scatters []store.Scatter) (ShardReport, error) {
	r.mu.Lock()
	cmds := slices.Clone(r.cmds)
	r.mu.Unlock()
	rep := ShardReport{Sent: map[string]Sent{}, Scatters: map[string]int{}}
	provinces := provincesByDB(cmds)
	for _, ps := range provinces {
		if len(ps) >= 2 {
			rep.Databases++
		}
	}
	for _, c := range cmds {
		db, _ := c.cmd.Lookup("$db").StringValueOK()
		sent, err := CheckTargeting(c.name, c.cmd, keys, scatters, provinces[db]...)
		if err != nil {
			return rep, err
		}
		for _, s := range sent {
			if _, ok := rep.Sent[s.Key()]; !ok {
				rep.Sent[s.Key()] = s
			}
			if s.Scatter != "" && s.Problem == "" {
				rep.Scatters[s.Scatter]++
			}
		}
	}
	return rep, nil
}

// CheckTargeting classifies one command against the plan: one Sent per
// statement (per document of an insert), none when the command's
// collection is not sharded or the command selects nothing.
// provinces are the database's provinces (rule 5), none when not known.
func CheckTargeting(cmdName string, cmd bson.Raw, keys []store.ShardKey, scatters []store.Scatter, provinces ...string) ([]Sent, error) {
	if !checkedCommands[cmdName] && cmdName != "insert" {
		return nil, nil
	}
	first, err := cmd.IndexErr(0)
	if err != nil {
		return nil, fmt.Errorf("%s: unreadable command: %w", cmdName, err)
	}
	coll, _ := first.Value().StringValueOK()
	var key store.ShardKey
	sharded := false
	for _, k := range keys {
		if k.Collection == coll {
			key, sharded = k, true
		}
	}
	if !sharded {
		return nil, nil
	}
	comment, _ := cmd.Lookup("comment").StringValueOK()
	stmt := func(filter bson.Raw, kind string) (Sent, error) {
		s, err := checkStatement(cmdName, coll, filter, kind, comment, key, scatters)
		if err == nil && s.Problem == "" && s.Scatter == "" && listsEvery(filter, key.Fields()[0], provinces) {
			s.Problem = fmt.Sprintf("rule 5: an $in on %s listing every province of the database %v without a %s<name> comment",
				key.Fields()[0], provinces, store.ScatterPrefix)
		}
		return s, err
	}
	var out []Sent
	switch cmdName {
	case "insert":
		docs, err := arrayDocs(cmd, "documents")
		if err != nil {
			return nil, fmt.Errorf("insert on %s: %w", coll, err)
		}
		for _, doc := range docs {
			out = append(out, checkInsert(coll, doc, key))
		}
		return out, nil
	case "find":
		s, err := stmt(subDoc(cmd, "filter"), "")
		return append(out, s), err
	case "count", "distinct":
		s, err := stmt(subDoc(cmd, "query"), "")
		return append(out, s), err
	case "aggregate":
		filter, _, _ := pipelineQuery(cmd) // no leading $match: no filter, a scatter
		s, err := stmt(filter, "")
		return append(out, s), err
	case "findAndModify":
		kind := "one"
		if b, _ := cmd.Lookup("upsert").BooleanOK(); b {
			kind = "upsert"
		}
		s, err := stmt(subDoc(cmd, "query"), kind)
		return append(out, s), err
	case "update", "delete":
		list := "updates"
		if cmdName == "delete" {
			list = "deletes"
		}
		stmts, err := arrayDocs(cmd, list)
		if err != nil {
			return nil, fmt.Errorf("%s on %s: %w", cmdName, coll, err)
		}
		for _, st := range stmts {
			kind := "one"
			if cmdName == "update" {
				if b, _ := st.Lookup("multi").BooleanOK(); b {
					kind = "many"
				}
				if b, _ := st.Lookup("upsert").BooleanOK(); b {
					kind = "upsert"
				}
			} else if n, ok := st.Lookup("limit").AsInt64OK(); ok && n == 0 {
				kind = "many"
			}
			s, err := stmt(subDoc(st, "q"), kind)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, nil
}

// checkStatement applies rules 1–3 to one filter; kind is "" for a read,
// "many" for a multi write, "one" for a single-document write, "upsert".
func checkStatement(cmdName, coll string, filter bson.Raw, kind, comment string, key store.ShardKey, scatters []store.Scatter) (Sent, error) {
	if len(filter) == 0 {
		filter = emptyDoc
	}
	alts, err := analyze(filter)
	if err != nil {
		return Sent{}, fmt.Errorf("%s on %s: filter %s: %w", cmdName, coll, filter, err)
	}
	if comment == "" {
		comment, _ = filter.Lookup("$comment").StringValueOK()
	}
	s := Sent{Command: cmdName, Coll: coll, Shape: shape(alts, kind), Example: shorten(filter.String())}
	if name, ok := strings.CutPrefix(comment, store.ScatterPrefix); ok {
		s.Scatter = name
	}
	fields := key.Fields()
	switch kind {
	case "one", "upsert":
		for _, c := range alts {
			var missing []string
			for _, f := range fields {
				if c[f] != eqOne {
					missing = append(missing, f)
				}
			}
			if len(missing) > 0 {
				rule := "rule 3: a single-document write without the full shard key"
				if kind == "upsert" {
					rule = "rule 2: an upsert without an equality on every shard-key field"
				}
				s.Problem = fmt.Sprintf("%s (no equality on %s)", rule, strings.Join(missing, ", "))
				return s, nil
			}
		}
	}
	targeted := true
	for _, c := range alts {
		u := c[fields[0]]
		if u != eqOne && u != eqMany {
			targeted = false
		}
	}
	if s.Scatter != "" {
		s.Problem = matchScatter(s.Scatter, cmdName, coll, filterFields(alts), scatters)
		return s, nil
	}
	if !targeted {
		s.Problem = fmt.Sprintf("rule 1: no equality or $in on the shard key's first field %s, and no %s<name> comment", fields[0], store.ScatterPrefix)
	}
	return s, nil
}

// matchScatter says what is wrong with a command naming scatter name, or
// "" when a declared scatter of that name has its shape.
func matchScatter(name, cmdName, coll string, fields []string, scatters []store.Scatter) string {
	known := false
	for _, sc := range scatters {
		if sc.Name != name {
			continue
		}
		known = true
		if sc.Command == cmdName && sc.Coll == coll && slices.Equal(sc.Fields, fields) {
			return ""
		}
	}
	if !known {
		return fmt.Sprintf("names scatter %q, which the plan does not declare", name)
	}
	return fmt.Sprintf("names scatter %q, declared with another shape than %s on %s by %v", name, cmdName, coll, fields)
}

// checkInsert applies rule 4 to one document.
func checkInsert(coll string, doc bson.Raw, key store.ShardKey) Sent {
	var missing []string
	for _, f := range key.Fields() {
		if _, err := doc.LookupErr(strings.Split(f, ".")...); err != nil {
			missing = append(missing, f)
		}
	}
	s := Sent{Command: "insert", Coll: coll, Shape: "{all shard-key fields}"}
	if len(missing) > 0 {
		s.Shape = "{missing " + strings.Join(missing, ", ") + "}"
		s.Problem = "rule 4: an inserted document without " + strings.Join(missing, ", ")
		s.Example = shorten(doc.String())
	}
	return s
}

// shape names how a filter selects: each alternative's fields with their
// use (eq, in, range, other), and the write's kind.
func shape(alts []conj, kind string) string {
	parts := make([]string, len(alts))
	for i, c := range alts {
		var fs []string
		for f, u := range c {
			fs = append(fs, f+":"+useName(u))
		}
		sort.Strings(fs)
		parts[i] = "{" + strings.Join(fs, " ") + "}"
	}
	sort.Strings(parts)
	out := strings.Join(parts, " | ")
	if kind != "" {
		out += " " + kind
	}
	return out
}

func useName(u use) string {
	switch u {
	case eqOne:
		return "eq"
	case eqMany:
		return "in"
	case rangeUse:
		return "range"
	}
	return "other"
}

// filterFields are the fields of every alternative, sorted, once each.
func filterFields(alts []conj) []string {
	set := map[string]bool{}
	for _, c := range alts {
		for f := range c {
			set[f] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func arrayDocs(cmd bson.Raw, key string) ([]bson.Raw, error) {
	arr, ok := cmd.Lookup(key).ArrayOK()
	if !ok {
		return nil, fmt.Errorf("no %s array", key)
	}
	vals, err := arr.Values()
	if err != nil {
		return nil, err
	}
	out := make([]bson.Raw, 0, len(vals))
	for _, v := range vals {
		d, ok := v.DocumentOK()
		if !ok {
			return nil, fmt.Errorf("%s holds a non-document", key)
		}
		out = append(out, d)
	}
	return out, nil
}

func shorten(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// provincesByDB are the provinces of each database the commands went to:
// the units inserted under the root (rule 5).
func provincesByDB(cmds []recordedCmd) map[string][]string {
	out := map[string][]string{}
	for _, c := range cmds {
		if c.name != "insert" {
			continue
		}
		if coll, _ := c.cmd.Lookup("insert").StringValueOK(); coll != "units" {
			continue
		}
		db, _ := c.cmd.Lookup("$db").StringValueOK()
		docs, err := arrayDocs(c.cmd, "documents")
		if err != nil {
			continue
		}
		for _, doc := range docs {
			parent, _ := doc.Lookup("parentId").StringValueOK()
			id, _ := doc.Lookup("_id").StringValueOK()
			if parent == units.RootID && id != "" && !slices.Contains(out[db], id) {
				out[db] = append(out[db], id)
			}
		}
	}
	return out
}

// listsEvery reports whether filter (or one of its $or alternatives) has
// an $in on field holding every one of provinces, two or more.
func listsEvery(filter bson.Raw, field string, provinces []string) bool {
	if len(provinces) < 2 || len(filter) == 0 {
		return false
	}
	alts := []bson.Raw{filter}
	if or, ok := filter.Lookup("$or").ArrayOK(); ok {
		vals, _ := or.Values()
		for _, v := range vals {
			if doc, ok := v.DocumentOK(); ok {
				alts = append(alts, doc)
			}
		}
	}
	for _, alt := range alts {
		in, ok := alt.Lookup(field, "$in").ArrayOK()
		if !ok {
			continue
		}
		vals, _ := in.Values()
		listed := map[string]bool{}
		for _, v := range vals {
			if s, ok := v.StringValueOK(); ok {
				listed[s] = true
			}
		}
		every := true
		for _, p := range provinces {
			every = every && listed[p]
		}
		if every {
			return true
		}
	}
	return false
}
