package mongo_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"

	store "github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/store/mongo/mongotest"
)

// TestCheckTargeting: the sharding checker's rules (docs/sharding.md §8) on
// commands written by hand, against the plan's keys and scatters.
func TestCheckTargeting(t *testing.T) {
	gt := func(v any) d { return d{{Key: "$gt", Value: v}} }
	in := func(vs ...any) d { return d{{Key: "$in", Value: a(vs)}} }
	find := func(coll string, filter d, extra ...bson.E) d {
		return append(d{{Key: "find", Value: coll}, {Key: "filter", Value: filter}}, extra...)
	}
	comment := func(name string) bson.E { return bson.E{Key: "comment", Value: store.ScatterComment(name)} }
	update := func(coll string, q d, flags ...bson.E) d {
		st := append(d{{Key: "q", Value: q}, {Key: "u", Value: d{{Key: "$set", Value: d{{Key: "x", Value: 1}}}}}}, flags...)
		return d{{Key: "update", Value: coll}, {Key: "updates", Value: a{st}}}
	}
	upsert := bson.E{Key: "upsert", Value: true}
	multi := bson.E{Key: "multi", Value: true}
	del := func(coll string, q d, limit int) d {
		return d{{Key: "delete", Value: coll}, {Key: "deletes", Value: a{d{{Key: "q", Value: q}, {Key: "limit", Value: limit}}}}}
	}
	insert := func(coll string, docs ...d) d {
		arr := a{}
		for _, x := range docs {
			arr = append(arr, x)
		}
		return d{{Key: "insert", Value: coll}, {Key: "documents", Value: arr}}
	}
	cases := []struct {
		name    string
		cmdName string
		cmd     d
		fits    bool
		shape   string // the Key of the first statement, when given
	}{
		{"an unsharded collection is not checked", "find", find("units", d{{Key: "name", Value: "x"}}), true, ""},
		{"members by province and id", "find", find("members", d{{Key: "province", Value: "p"}, {Key: "memberId", Value: "m"}}), true,
			"find members {memberId:eq province:eq}"},
		{"members of provinces by $in", "find", find("members", d{{Key: "province", Value: in("p", "q")}, {Key: "path", Value: "u"}}), true, ""},
		{"FAILS: members by _id alone (today's GetMember)", "find", find("members", d{{Key: "_id", Value: "m"}}), false,
			"find members {_id:eq}"},
		{"FAILS: a range on the first field is not targeting", "find", find("members", d{{Key: "province", Value: gt("a")}}), false, ""},
		{"FAILS: an $or alternative without the province", "find",
			find("members", d{{Key: "$or", Value: a{d{{Key: "province", Value: "p"}}, d{{Key: "path", Value: "u"}}}}}), false, ""},
		{"every $or alternative with the province", "find",
			find("members", d{{Key: "$or", Value: a{d{{Key: "province", Value: "p"}}, d{{Key: "province", Value: "q"}, {Key: "path", Value: "u"}}}}}), true, ""},
		{"hashed key: equality on _id", "find", find("nationalIds", d{{Key: "_id", Value: "034"}}), true, ""},
		{"hashed key: $in on _id", "find", find("nationalIds", d{{Key: "_id", Value: in("1", "2")}}), true, ""},
		{"FAILS: hashed key: a range on _id scatters", "find", find("audit", d{{Key: "_id", Value: gt(5)}}), false,
			"find audit {_id:range}"},
		{"a declared scatter with its shape", "find", find("audit", d{{Key: "_id", Value: gt(5)}}, comment("audit.chain")), true,
			"find audit {_id:range} scatter:audit.chain"},
		{"a declared scatter named in the filter's $comment", "find",
			find("audit", d{{Key: "_id", Value: gt(5)}, {Key: "$comment", Value: store.ScatterComment("audit.seal-page")}}), true, ""},
		{"FAILS: an undeclared scatter name", "find", find("audit", d{{Key: "_id", Value: gt(5)}}, comment("audit.everything")), false, ""},
		{"FAILS: a declared scatter name with another shape", "find", find("audit", d{{Key: "state", Value: "p"}}, comment("audit.chain")), false, ""},
		{"FAILS: aggregate without a leading $match", "aggregate",
			d{{Key: "aggregate", Value: "members"}, {Key: "pipeline", Value: a{d{{Key: "$sort", Value: d{{Key: "sortKey", Value: 1}}}}}}}, false, ""},
		{"aggregate with the province in its $match", "aggregate",
			d{{Key: "aggregate", Value: "members"}, {Key: "pipeline", Value: a{d{{Key: "$match", Value: d{{Key: "province", Value: "p"}}}}}}}, true, ""},
		{"FAILS: count of a collection (scatter)", "count", d{{Key: "count", Value: "counters"}, {Key: "query", Value: d{}}}, false, ""},
		{"upsert with the full key", "update", update("counters", d{{Key: "province", Value: "p"}, {Key: "_id", Value: "p|u|d"}}, upsert), true,
			"update counters {_id:eq province:eq} upsert"},
		{"FAILS: upsert by _id alone (today's ReplaceCounter)", "update", update("counters", d{{Key: "_id", Value: "u|d"}}, upsert), false,
			"update counters {_id:eq} upsert"},
		{"FAILS: upsert with $in on the key", "update", update("counters", d{{Key: "province", Value: in("p", "q")}, {Key: "_id", Value: "x"}}, upsert), false, ""},
		{"FAILS: importRows upsert without row (today's PutImportRows)", "update", update("importRows", d{{Key: "_id", Value: "j:1"}, {Key: "job", Value: "j"}}, upsert), false, ""},
		{"importRows upsert with job and row", "update", update("importRows", d{{Key: "_id", Value: "j:1"}, {Key: "job", Value: "j"}, {Key: "row", Value: 1}}, upsert), true, ""},
		{"FAILS: findAndModify upsert by _id (today's TakeTickets)", "findAndModify",
			d{{Key: "findAndModify", Value: "counters"}, {Key: "query", Value: d{{Key: "_id", Value: "u|d"}}}, upsert}, false,
			"findAndModify counters {_id:eq} upsert"},
		{"single update with the full key", "update", update("members", d{{Key: "province", Value: "p"}, {Key: "memberId", Value: "m"}, {Key: "version", Value: 3}}), true, ""},
		{"FAILS: single update with the province only", "update", update("members", d{{Key: "province", Value: "p"}, {Key: "path", Value: "u"}}), false,
			"update members {path:eq province:eq} one"},
		{"a multi update needs only the province", "update", update("members", d{{Key: "province", Value: "p"}, {Key: "path", Value: "u"}}, multi), true,
			"update members {path:eq province:eq} many"},
		{"FAILS: a scatter comment does not excuse a single write without the key", "update",
			append(update("audit", d{{Key: "sealed", Value: false}}), comment("audit.last-sealed")), false, ""},
		{"single delete with the key", "delete", del("staleMarks", d{{Key: "province", Value: "p"}, {Key: "_id", Value: "x"}, {Key: "gen", Value: 2}}, 1), true, ""},
		{"FAILS: single delete by _id (today's ClearMarks)", "delete", del("staleMarks", d{{Key: "_id", Value: "x"}, {Key: "gen", Value: 2}}, 1), false,
			"delete staleMarks {_id:eq gen:eq} one"},
		{"a delete of many with the province", "delete", del("staleMarks", d{{Key: "province", Value: "p"}, {Key: "day", Value: "d"}}, 0), true, ""},
		{"insert with every key field", "insert", insert("members", d{{Key: "_id", Value: "p:m"}, {Key: "province", Value: "p"}, {Key: "memberId", Value: "m"}}), true,
			"insert members {all shard-key fields}"},
		{"FAILS: insert without the province (today's CreateMember)", "insert", insert("members", d{{Key: "_id", Value: "m"}}), false,
			"insert members {missing province, memberId}"},
		{"FAILS: one document of a batch without the province", "insert",
			insert("members", d{{Key: "province", Value: "p"}, {Key: "memberId", Value: "m"}}, d{{Key: "memberId", Value: "n"}}), false, ""},
		{"insert into a hashed _id collection", "insert", insert("audit", d{{Key: "_id", Value: 7}}), true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sent, err := mongotest.CheckTargeting(c.cmdName, cmd(t, c.cmd), store.ShardKeys, store.Scatters)
			if err != nil {
				t.Fatal(err)
			}
			var problems []string
			for _, s := range sent {
				if s.Problem != "" {
					problems = append(problems, s.Key()+": "+s.Problem)
				}
			}
			if c.fits && len(problems) > 0 {
				t.Errorf("want it to fit the plan, got %q", problems)
			}
			if !c.fits && len(problems) == 0 {
				t.Errorf("want a problem, got none (%v)", sent)
			}
			if c.shape != "" && (len(sent) == 0 || sent[0].Key() != c.shape) {
				t.Errorf("shape: want %q, got %v", c.shape, sent)
			}
			t.Logf("reported: %q", problems)
		})
	}
}

// shardKeysWithoutIndex are today's sharded collections whose shard key no
// declared index starts with: none since members gained theirs
// (2026-12-04; counters' and marks' came with theirs the same day). A
// static known-failures list, checked both ways like knownMisses.
var shardKeysWithoutIndex []string

// TestIndexesFitShardPlan: the declared indexes against the plan's keys,
// statically (docs/sharding.md §8). That every declared scatter is sent is
// checked on the contract run (TestContract/ShardPlan), which sees them.
func TestIndexesFitShardPlan(t *testing.T) {
	missing := map[string]bool{}
	for _, p := range mongotest.ShardIndexProblems(store.Indexes, store.ShardKeys) {
		if p.Kind == "no shard-key index" && slices.Contains(shardKeysWithoutIndex, p.Collection) {
			missing[p.Collection] = true
			continue
		}
		t.Error(p.Text)
	}
	for _, coll := range shardKeysWithoutIndex {
		if !missing[coll] {
			t.Errorf("stale: %s's shard key has a declared index now: remove it from shardKeysWithoutIndex", coll)
			continue
		}
		// The listed miss is the only one: with the key's index declared, none is left.
		fake := store.Index{Collection: coll, Name: "probe", Keys: mustShardKey(t, coll).Keys}
		for _, p := range mongotest.ShardIndexProblems(append(slices.Clone(store.Indexes), fake), store.ShardKeys) {
			if p.Collection == coll {
				t.Errorf("with %s's shard-key index declared: %s", coll, p.Text)
			}
		}
	}

	// The rules themselves, on indexes made up for the purpose.
	membersActiveNationalID := store.Index{Collection: "members", Name: "members_active_national_id",
		Keys: bson.D{{Key: "activeNationalId", Value: 1}}, Unique: true, Sparse: true}
	withKeyIndexes := slices.Clone(store.Indexes)
	for _, coll := range shardKeysWithoutIndex {
		withKeyIndexes = append(withKeyIndexes, store.Index{Collection: coll, Name: coll + "_key", Keys: mustShardKey(t, coll).Keys})
	}
	cases := []struct {
		name  string
		extra store.Index
		want  string // a problem's kind on collection extra.Collection, or "" for none
	}{
		{"the unique index one active holder per national ID had (dropped 2026-12-04)", membersActiveNationalID, "unique"},
		{"a unique index starting with the shard key", store.Index{Collection: "members", Name: "u",
			Keys: bson.D{{Key: "province", Value: 1}, {Key: "memberId", Value: 1}, {Key: "x", Value: 1}}, Unique: true}, ""},
		{"a unique index with the key's fields in another order", store.Index{Collection: "members", Name: "u",
			Keys: bson.D{{Key: "memberId", Value: 1}, {Key: "province", Value: 1}}, Unique: true}, "unique"},
		{"a unique index of an unsharded collection is no concern", store.Index{Collection: "users", Name: "u",
			Keys: bson.D{{Key: "displayName", Value: 1}}, Unique: true}, ""},
		{"a unique index on a hashed-_id collection other than _id", store.Index{Collection: "audit", Name: "u",
			Keys: bson.D{{Key: "hash", Value: 1}}, Unique: true}, "unique"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, p := range mongotest.ShardIndexProblems(append(slices.Clone(withKeyIndexes), c.extra), store.ShardKeys) {
				got = append(got, p.Kind)
				t.Logf("reported: %s", p.Text)
			}
			if c.want == "" && len(got) > 0 || c.want != "" && !slices.Equal(got, []string{c.want}) {
				t.Errorf("want %q, got %q", c.want, got)
			}
		})
	}
	var without []store.Index
	for _, ix := range store.Indexes {
		if ix.Collection != "importRows" {
			without = append(without, ix)
		}
	}
	found := false
	for _, p := range mongotest.ShardIndexProblems(without, store.ShardKeys) {
		found = found || p.Collection == "importRows" && p.Kind == "no shard-key index"
	}
	if !found {
		t.Error("importRows without import_rows_job_row: want its shard key reported without an index")
	}
}

func mustShardKey(t *testing.T, coll string) store.ShardKey {
	t.Helper()
	k, ok := store.ShardKeyOf(coll)
	if !ok {
		t.Fatalf("%s is not sharded in the plan", coll)
	}
	return k
}

// TestShardPlanIsWellFormed: the plan's data says what §2 and §4 say.
func TestShardPlanIsWellFormed(t *testing.T) {
	var colls []string
	for _, k := range store.ShardKeys {
		colls = append(colls, k.Collection)
		hashed := 0
		for _, e := range k.Keys {
			if e.Value == "hashed" {
				hashed++
			} else if e.Value != 1 {
				t.Errorf("%s: key %s is %v, want 1 or \"hashed\"", k.Collection, e.Key, e.Value)
			}
		}
		if hashed > 1 {
			t.Errorf("%s: %d hashed fields, MongoDB allows one", k.Collection, hashed)
		}
		if k.Unique && hashed > 0 {
			t.Errorf("%s: a hashed shard key cannot be unique", k.Collection)
		}
	}
	slices.Sort(colls)
	want := []string{"audit", "counters", "importFiles", "importRows", "members", "nationalIds", "staleMarks"}
	if !slices.Equal(colls, want) {
		t.Errorf("sharded collections %v, want §2's %v", colls, want)
	}
	for _, s := range store.Scatters {
		if _, ok := store.ShardKeyOf(s.Coll); !ok {
			t.Errorf("scatter %s on %s: an unsharded collection needs none", s.Name, s.Coll)
		}
		if !slices.IsSorted(s.Fields) || len(s.Fields) == 0 {
			t.Errorf("scatter %s: fields %v must be sorted and not empty (the checker compares them sorted)", s.Name, s.Fields)
		}
		if s.Bound == "" || !strings.Contains(s.Name, ".") {
			t.Errorf("scatter %q: a name <collection>.<what> and a bound", s.Name)
		}
	}
	for _, name := range []string{"members.by-id", "members.national-list", "counters.provinces", "marks.settler",
		"audit.seal-page", "audit.last-sealed", "audit.pending", "audit.list", "audit.chain"} {
		if !slices.Contains(declaredScatterNames(), name) {
			t.Errorf("§4's scatter %s is not declared", name)
		}
	}

	got := strings.Join(store.ShardCollectionCommands("sohoi"), "\n")
	for _, line := range []string{
		`sh.shardCollection("sohoi.members", {province: 1, memberId: 1}, true)`,
		`sh.shardCollection("sohoi.nationalIds", {_id: "hashed"})`,
		`sh.shardCollection("sohoi.importRows", {job: "hashed", row: 1})`,
	} {
		if !strings.Contains(got, line) {
			t.Errorf("shard commands lack %s:\n%s", line, got)
		}
	}
}

// Rule 5: an $in on province that lists every province of the database is
// a scatter and must say so; the recorder learns the provinces from the
// units inserted under the root, per database.
func TestRuleFiveCatchesAnInOfEveryProvince(t *testing.T) {
	ctx := context.Background()
	rec := mongotest.NewRecorder()
	send := func(db, name string, c d) {
		t.Helper()
		raw, err := bson.Marshal(append(c, bson.E{Key: "$db", Value: db}))
		if err != nil {
			t.Fatal(err)
		}
		rec.Monitor().Started(ctx, &event.CommandStartedEvent{CommandName: name, Command: raw})
	}
	unit := func(id, parent string) d { return d{{Key: "_id", Value: id}, {Key: "parentId", Value: parent}} }
	send("a", "insert", d{{Key: "insert", Value: "units"}, {Key: "documents", Value: a{unit("root", ""), unit("p1", "root"), unit("p2", "root"), unit("d1", "p1")}}})
	send("b", "insert", d{{Key: "insert", Value: "units"}, {Key: "documents", Value: a{unit("root", ""), unit("q1", "root"), unit("q2", "root")}}})
	list := func(provinces ...any) d {
		return d{{Key: "find", Value: "members"}, {Key: "filter", Value: d{{Key: "province", Value: d{{Key: "$in", Value: a(provinces)}}},
			{Key: "path", Value: "root"}, {Key: "status", Value: d{{Key: "$in", Value: a{"active"}}}}, {Key: "sortKey", Value: d{{Key: "$gt", Value: ""}}}}}}
	}
	send("a", "find", list("p1", "p2"))        // every province of a, no comment: rule 5
	send("a", "find", list("p1"))              // one of them: targeted
	send("b", "find", list("p1", "p2"))        // a's provinces in b: not every province of b
	send("a", "find", append(list("p1", "p2"), // every province, saying so
		bson.E{Key: "comment", Value: store.ScatterComment("members.national-list")}))
	rep, err := rec.ShardReport(store.ShardKeys, store.Scatters)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Databases != 2 {
		t.Errorf("databases with known provinces: %d, want 2", rep.Databases)
	}
	var rule5 []string
	for _, v := range rep.Violations() {
		if strings.HasPrefix(v.Problem, "rule 5") {
			rule5 = append(rule5, v.Example)
		}
	}
	if len(rule5) != 1 || !strings.Contains(rule5[0], "p2") {
		t.Errorf("rule 5 flagged %q, want the uncommented list of every province of a alone", rule5)
	}
	if rep.Scatters["members.national-list"] != 1 {
		t.Errorf("the commented list counted %d times as its scatter, want 1", rep.Scatters["members.national-list"])
	}
}
