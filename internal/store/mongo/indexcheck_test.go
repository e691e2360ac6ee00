package mongo_test

import (
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	store "github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/store/mongo/mongotest"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

type d = bson.D
type a = bson.A

func cmd(t *testing.T, doc d) bson.Raw {
	t.Helper()
	b, err := bson.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCheckCommand(t *testing.T) {
	gt := func(v any) d { return d{{Key: "$gt", Value: v}} }
	find := func(coll string, filter, sort d) d {
		c := d{{Key: "find", Value: coll}, {Key: "filter", Value: filter}}
		if sort != nil {
			c = append(c, bson.E{Key: "sort", Value: sort})
		}
		return c
	}
	update := func(coll string, q d) d {
		return d{{Key: "update", Value: coll}, {Key: "updates", Value: a{d{{Key: "q", Value: q}, {Key: "u", Value: d{{Key: "$set", Value: d{{Key: "x", Value: 1}}}}}}}}}
	}
	cases := []struct {
		name    string
		cmdName string
		cmd     d
		covered bool
	}{
		{"get by _id", "find", find("units", d{{Key: "_id", Value: "x"}}, nil), true},
		{"children page: equality, sort, range on one index", "find",
			find("units", d{{Key: "parentId", Value: "r"}, {Key: "code", Value: gt("P049")}}, d{{Key: "code", Value: 1}}), true},
		{"children in reverse order walk the index backwards", "find",
			find("units", d{{Key: "parentId", Value: "r"}}, d{{Key: "code", Value: -1}}), true},
		{"FAILS: units by name, which no declared index holds", "find", find("units", d{{Key: "name", Value: "Hà Nội"}}, nil), false},
		{"empty filter, no sort: a collection scan", "find", find("units", d{}, nil), false},
		{"empty filter sorted by an index prefix", "find",
			find("signingKeys", d{}, d{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}), true},
		{"sort directions that match neither the index nor its reverse", "find",
			find("signingKeys", d{}, d{{Key: "createdAt", Value: 1}, {Key: "_id", Value: -1}}), false},
		{"users under units: $in is equality, then sort and range on username", "find",
			find("users", d{{Key: "grantUnits", Value: d{{Key: "$in", Value: a{"p", "q"}}}}, {Key: "username", Value: gt("m")}},
				d{{Key: "username", Value: 1}}), true},
		{"sort on a field that does not follow the equality in any index", "find",
			find("users", d{{Key: "grantUnits", Value: "p"}}, d{{Key: "displayName", Value: 1}}), false},
		{"ESR: the equality must lead the index (code is second in units_parent_code)", "find",
			find("units", d{{Key: "code", Value: "34"}}, d{{Key: "parentId", Value: 1}}), false},
		{"ESR: a range before the sort field is not served", "find",
			find("signingKeys", d{{Key: "createdAt", Value: gt(time.Unix(0, 0))}}, d{{Key: "_id", Value: 1}}), false},
		{"pinned by _id: other fields are checked on the one document", "findAndModify",
			d{{Key: "findAndModify", Value: "refreshTokens"}, {Key: "query", Value: d{{Key: "_id", Value: "h"}, {Key: "used", Value: false}}},
				{Key: "update", Value: d{{Key: "$set", Value: d{{Key: "used", Value: true}}}}}}, true},
		{"pinned by a unique compound index", "find",
			find("units", d{{Key: "parentId", Value: "r"}, {Key: "code", Value: "34"}, {Key: "status", Value: "active"}}, nil), true},
		{"$in with several ids does not pin", "find",
			find("refreshTokens", d{{Key: "_id", Value: d{{Key: "$in", Value: a{"a", "b"}}}}, {Key: "used", Value: false}}, nil), false},
		{"guarded update by _id and version", "update", update("units", d{{Key: "_id", Value: "x"}, {Key: "version", Value: 1}}), true},
		{"update of a family by its index", "update", update("refreshTokens", d{{Key: "familyId", Value: "f"}}), true},
		{"update by an unindexed field", "update", update("refreshTokens", d{{Key: "used", Value: false}}), false},
		{"delete by _id", "delete", d{{Key: "delete", Value: "users"}, {Key: "deletes", Value: a{d{{Key: "q", Value: d{{Key: "_id", Value: "u"}}}, {Key: "limit", Value: 1}}}}}, true},
		{"delete everything", "delete", d{{Key: "delete", Value: "users"}, {Key: "deletes", Value: a{d{{Key: "q", Value: d{}}, {Key: "limit", Value: 0}}}}}, false},
		{"$ne is not indexable", "find", find("users", d{{Key: "username", Value: d{{Key: "$ne", Value: "x"}}}}, nil), false},
		{"$exists is not indexable", "find", find("units", d{{Key: "mergedInto", Value: d{{Key: "$exists", Value: true}}}}, nil), false},
		{"a regex is not indexable, unless pinned by _id", "find",
			find("units", d{{Key: "_id", Value: "x"}, {Key: "name", Value: bson.Regex{Pattern: "^H"}}}, nil), true},
		{"$expr is not indexable", "find", find("units", d{{Key: "$expr", Value: d{{Key: "$eq", Value: a{"$code", "$name"}}}}}, nil), false},
		{"$or with every branch served", "find",
			find("users", d{{Key: "$or", Value: a{d{{Key: "_id", Value: "u"}}, d{{Key: "username", Value: "an"}}}}}, nil), true},
		{"$or with one branch unserved", "find",
			find("users", d{{Key: "$or", Value: a{d{{Key: "_id", Value: "u"}}, d{{Key: "displayName", Value: "An"}}}}}, nil), false},
		{"$and clauses are merged", "find",
			find("units", d{{Key: "$and", Value: a{d{{Key: "parentId", Value: "r"}}, d{{Key: "code", Value: d{{Key: "$gte", Value: "a"}}}}}}}, nil), true},
		{"aggregate: leading $match and $sort", "aggregate",
			d{{Key: "aggregate", Value: "units"}, {Key: "pipeline", Value: a{d{{Key: "$match", Value: d{{Key: "parentId", Value: "r"}}}}, d{{Key: "$sort", Value: d{{Key: "code", Value: 1}}}}}}}, true},
		{"aggregate: a pipeline without $match", "aggregate",
			d{{Key: "aggregate", Value: "units"}, {Key: "pipeline", Value: a{d{{Key: "$group", Value: d{{Key: "_id", Value: "$level"}}}}}}}, false},
		{"aggregate: only a $sort an index serves", "aggregate",
			d{{Key: "aggregate", Value: "users"}, {Key: "pipeline", Value: a{d{{Key: "$sort", Value: d{{Key: "username", Value: 1}}}}}}}, true},
		{"aggregate: a $match after a leading $sort", "aggregate",
			d{{Key: "aggregate", Value: "users"}, {Key: "pipeline", Value: a{d{{Key: "$sort", Value: d{{Key: "username", Value: 1}}}}, d{{Key: "$match", Value: d{{Key: "displayName", Value: "An"}}}}}}}, false},
		{"count by an index", "count", d{{Key: "count", Value: "units"}, {Key: "query", Value: d{{Key: "parentId", Value: "r"}}}}, true},
		{"count by an unindexed field", "count", d{{Key: "count", Value: "units"}, {Key: "query", Value: d{{Key: "level", Value: "branch"}}}}, false},
		{"insert is not a query", "insert", d{{Key: "insert", Value: "units"}, {Key: "documents", Value: a{d{{Key: "name", Value: "x"}}}}}, true},
		{"an unknown collection still has its _id index", "find", find("other", d{{Key: "_id", Value: 1}}, nil), true},
		{"members of a subtree: province, path, status $in, sort and range on sortKey", "find",
			find("members", d{{Key: "province", Value: "p"}, {Key: "path", Value: "p"}, {Key: "status", Value: d{{Key: "$in", Value: a{"active", "left", "deceased"}}}},
				{Key: "sortKey", Value: gt("k")}}, d{{Key: "sortKey", Value: 1}}), true},
		{"$all is equality on its field: search in a subtree", "find",
			find("members", d{{Key: "province", Value: "p"}, {Key: "scopeWords", Value: d{{Key: "$all", Value: a{"p:nguyen", "p:van"}}}},
				{Key: "status", Value: d{{Key: "$in", Value: a{"active"}}}}, {Key: "sortKey", Value: gt("k")}}, d{{Key: "sortKey", Value: 1}}), true},
		{"$all with one element is equality too", "find",
			find("members", d{{Key: "province", Value: "p"}, {Key: "scopeWords", Value: d{{Key: "$all", Value: a{"p:an"}}}}, {Key: "status", Value: "active"}}, d{{Key: "sortKey", Value: 1}}), true},
		{"$all on a field no index leads with", "find",
			find("members", d{{Key: "stints.path", Value: d{{Key: "$all", Value: a{"p", "q"}}}}}, nil), false},
		{"$all without the status equality cannot sort from the index", "find",
			find("members", d{{Key: "scopeWords", Value: d{{Key: "$all", Value: a{"p:an"}}}}}, d{{Key: "sortKey", Value: 1}}), false},
		{"an empty $all is not indexable", "find",
			find("members", d{{Key: "scopeWords", Value: d{{Key: "$all", Value: a{}}}}, {Key: "status", Value: "active"}}, d{{Key: "sortKey", Value: 1}}), false},
		{"$all of $elemMatch is not indexable", "find",
			find("members", d{{Key: "scopeWords", Value: d{{Key: "$all", Value: a{d{{Key: "$elemMatch", Value: d{{Key: "$gt", Value: "a"}}}}}}}},
				{Key: "status", Value: "active"}}, d{{Key: "sortKey", Value: 1}}), false},
		{"$all with a regex is not indexable", "find",
			find("members", d{{Key: "scopeWords", Value: d{{Key: "$all", Value: a{bson.Regex{Pattern: "^p:ng"}}}}}, {Key: "status", Value: "active"}}, nil), false},
		{"a unique $all element pins the document", "find",
			find("users", d{{Key: "username", Value: d{{Key: "$all", Value: a{"an"}}}}, {Key: "displayName", Value: "An"}}, nil), true},
		{"the claim of a national ID", "find", find("nationalIds", d{{Key: "_id", Value: "034160000001"}}, nil), true},
		{"members by active national ID have no index (the claims name the holder)", "find",
			find("members", d{{Key: "activeNationalId", Value: "034160000001"}}, nil), false},
		{"members by national ID, active or not, have no index", "find", find("members", d{{Key: "nationalId", Value: "034160000001"}}, nil), false},
		{"the board holding a post", "find", find("officerBoards", d{{Key: "posts.id", Value: "o1"}}, nil), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := mongotest.CheckCommand(c.cmdName, cmd(t, c.cmd), store.Indexes)
			if c.covered && err != nil {
				t.Errorf("want covered, got %v", err)
			}
			if !c.covered && err == nil {
				t.Errorf("want uncovered, got covered")
			}
			if err != nil {
				t.Logf("reported: %v", err)
			}
		})
	}
}

// TestRecorderCatchesUnindexedFind sends a real query by a field no index
// holds through a monitored client, and expects the recorder to report it.
func TestRecorderCatchesUnindexedFind(t *testing.T) {
	rec := mongotest.NewRecorder()
	dbName := newDBName()
	db := openStoreIn(t, ferretURI, dbName, rec)
	ctx := testCtx(t)
	root := &units.Unit{ID: units.RootID, Path: unitpath.Path{units.RootID}, Level: units.Central, Name: "Trung ương", Code: "VN", Status: units.Active, Version: 1,
		CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := db.CreateUnit(ctx, root); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetUnit(ctx, root.ID); err != nil {
		t.Fatal(err)
	}
	if p := rec.Uncovered(store.Indexes); len(p) != 0 {
		t.Fatalf("the store's own queries: %v", p)
	}

	// The same database, through a client of our own with the recorder.
	client := connect(t, ferretURI, options.Client().SetMonitor(rec.Monitor()))
	cur, err := client.Database(dbName).Collection("units").Find(ctx, d{{Key: "name", Value: "Trung ương"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []bson.M
	if err := cur.All(ctx, &got); err != nil || len(got) != 1 {
		t.Fatalf("find by name: %v %v", got, err)
	}
	problems := rec.Uncovered(store.Indexes)
	if len(problems) != 1 || !strings.Contains(problems[0], "find on units") || !strings.Contains(problems[0], "name") {
		t.Fatalf("want one problem about the find by name on units, got %q", problems)
	}
	t.Logf("reported: %s", problems[0])
}
