package mongo_test

import (
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	store "github.com/sohoi/sohoi/internal/store/mongo"
	"github.com/sohoi/sohoi/internal/store/mongo/mongotest"
)

func searchMember(id, name string, path []string) (*members.Member, *members.Event) {
	t0 := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	joined := civil.MustParse("2020-03-08")
	m := &members.Member{ID: id, BranchID: path[len(path)-1], Path: path, FullName: name, Gender: members.Female,
		JoinedOn: joined, Status: members.Active, Version: 1, CreatedAt: t0, UpdatedAt: t0,
		Stints: []members.Stint{{BranchID: path[len(path)-1], From: joined, StartedBy: members.Joined}}}
	return m, &members.Event{MemberID: id, Seq: 1, Type: members.Joined, On: joined, At: t0}
}

// A search's find is bounded by its leading term: the word pair of a
// two-word search (so `nguyen thi` scans the entries of the pair, not all
// of `nguyen` with `thi` checked on each), the rarest pair of a longer one
// with the other words checked, and the declared index serves it.
func TestSearchIsLedByItsPair(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	seen := &finds{coll: "members"}
	db, err := store.Open(ctx, store.Options{URI: ferretURI, Database: name, Monitor: seen.monitor()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(); dropDatabase(t, ferretURI, name) })
	path := []string{"r000000000000001", "p000000000000001", "b000000000000001"}
	m, ev := searchMember("m000000000000001", "Lê Thị Hoa", path)
	if err := db.CreateMember(ctx, m, ev); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		q    string
		want []string
	}{
		{"thi le", []string{"le thi"}},
		{"hoa", []string{"hoa"}},
		{"le thi hoa", []string{"hoa le", "thi"}},
	}
	for _, c := range cases {
		seen.mu.Lock()
		seen.cmds = nil
		seen.mu.Unlock()
		res, err := db.ListMembers(ctx, members.Query{Path: path[:2], Words: members.SearchWords(c.q), Page: page.Request{Limit: 5}})
		if err != nil || len(res.Items) != 1 {
			t.Fatalf("%q: %d found, %v", c.q, len(res.Items), err)
		}
		if len(seen.cmds) != 1 {
			t.Fatalf("%q: %d finds", c.q, len(seen.cmds))
		}
		cmd := seen.cmds[0]
		vals, err := cmd.Lookup("filter", "scopeWords", "$all").Array().Values()
		if err != nil {
			t.Fatal(err)
		}
		var all []string
		for _, v := range vals {
			all = append(all, v.StringValue())
		}
		var want []string
		for _, w := range c.want {
			want = append(want, path[1]+":"+w)
		}
		if !slices.Equal(all, want) {
			t.Errorf("%q: $all %q, want %q (the leading term first)", c.q, all, want)
		}
		if err := mongotest.CheckCommand("find", cmd, store.Indexes); err != nil {
			t.Errorf("%q: %v", c.q, err)
		}
	}
}

// Members stored before word pairs were keys gain them on the next start:
// the data step rebuilds scopeWords from each document's name and path.
func TestStoredMembersGainWordPairs(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	db := openStoreIn(t, ferretURI, name, nil)
	path := []string{"r000000000000001", "b000000000000001"}
	m, ev := searchMember("m000000000000001", "Nguyễn Thị Hoa", path)
	if err := db.CreateMember(ctx, m, ev); err != nil {
		t.Fatal(err)
	}
	raw := connect(t, ferretURI).Database(name)
	var old []string
	for _, u := range path {
		for _, w := range []string{"nguyen", "thi", "hoa"} {
			old = append(old, u+":"+w)
		}
	}
	if _, err := raw.Collection("members").UpdateOne(ctx, bson.D{{Key: "_id", Value: path[1] + ":" + m.ID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "scopeWords", Value: old}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Collection("migrations").DeleteOne(ctx, bson.D{{Key: "_id", Value: "data members.scopeWords word pairs"}}); err != nil {
		t.Fatal(err)
	}
	search := func(db *store.DB) int {
		t.Helper()
		res, err := db.ListMembers(ctx, members.Query{Path: path, Words: []string{"thi", "nguyen"}})
		if err != nil {
			t.Fatal(err)
		}
		return len(res.Items)
	}
	if n := search(db); n != 0 {
		t.Fatalf("found by a pair it does not have: %d", n)
	}
	again, err := store.Open(ctx, store.Options{URI: ferretURI, Database: name})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if n := search(again); n != 1 {
		t.Errorf("after the data step, %d found, want 1", n)
	}
}

// Members stored before the name key gain it on the next start (issue
// 17.6): the data step computes it from each document's name and birth
// date, so an import finds them by name.
func TestStoredMembersGainNameKeys(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	db := openStoreIn(t, ferretURI, name, nil)
	path := []string{"r000000000000001", "b000000000000001"}
	m, ev := searchMember("m000000000000002", "Trần Văn Bình", path)
	if err := db.CreateMember(ctx, m, ev); err != nil {
		t.Fatal(err)
	}
	raw := connect(t, ferretURI).Database(name)
	if _, err := raw.Collection("members").UpdateOne(ctx, bson.D{{Key: "_id", Value: path[1] + ":" + m.ID}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "nameKey", Value: ""}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Collection("migrations").DeleteOne(ctx, bson.D{{Key: "_id", Value: "data members.nameKey"}}); err != nil {
		t.Fatal(err)
	}
	keys := members.NameKeysOf("tran van binh", m.BirthDate.Year)
	if got, err := db.MembersByName(ctx, path, keys); err != nil || len(got) != 0 {
		t.Fatalf("found without a key: %d, %v", len(got), err)
	}
	again, err := store.Open(ctx, store.Options{URI: ferretURI, Database: name})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if got, err := again.MembersByName(ctx, path, keys); err != nil || len(got) != 1 || got[0].ID != m.ID {
		t.Errorf("after the data step: %d found, %v; want 1", len(got), err)
	}
}
