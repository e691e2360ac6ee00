package mongo_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/page"
	store "github.com/sohoi/sohoi/internal/store/mongo"
)

// finds keeps the find commands sent to one collection.
type finds struct {
	mu   sync.Mutex
	coll string
	cmds []bson.Raw
}

func (f *finds) monitor() *event.CommandMonitor {
	return &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		if e.CommandName == "find" && e.Command.Lookup("find").StringValue() == f.coll {
			f.mu.Lock()
			f.cmds = append(f.cmds, slices.Clone(e.Command))
			f.mu.Unlock()
		}
	}}
}

// TestMemberDocumentShape pins the stored member and board, and that reads
// of members leave the history out (only MemberHistory asks for it).
func TestMemberDocumentShape(t *testing.T) {
	ctx := testCtx(t)
	name := newDBName()
	seen := &finds{coll: "members"}
	db, err := store.Open(ctx, store.Options{URI: ferretURI, Database: name, Monitor: seen.monitor()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(); dropDatabase(t, ferretURI, name) })

	t0 := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	path := []string{"r000000000000001", "p000000000000001", "b000000000000001"}
	joined := civil.MustParse("2020-03-08")
	m := &members.Member{ID: "m000000000000001", BranchID: path[2], Path: path, FullName: "Nguyễn Thị Hoa", Gender: members.Female,
		BirthDate: civil.MustParse("1960-05-19"), NationalID: "034160000001", JoinedOn: joined, Status: members.Active, Version: 1,
		CreatedAt: t0, UpdatedAt: t0, Stints: []members.Stint{{BranchID: path[2], From: joined, StartedBy: members.Joined}}}
	if err := db.CreateMember(ctx, m, &members.Event{MemberID: m.ID, Seq: 1, Type: members.Joined, On: joined, At: t0}); err != nil {
		t.Fatal(err)
	}
	raw := connect(t, ferretURI).Database(name)
	get := func(coll, id string) bson.Raw {
		t.Helper()
		doc, err := raw.Collection(coll).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Raw()
		if err != nil {
			t.Fatalf("%s %s: %v", coll, id, err)
		}
		return doc
	}
	var doc struct {
		MemberID         string   `bson:"memberId"`
		Province         string   `bson:"province"`
		Kind             string   `bson:"kind"`
		SortKey          string   `bson:"sortKey"`
		ScopeWords       []string `bson:"scopeWords"`
		ActiveNationalID *string  `bson:"activeNationalId"`
		BirthDate        string   `bson:"birthDate"`
		LeftOn           string   `bson:"leftOn"`
		History          []bson.M `bson:"history"`
	}
	if err := bson.Unmarshal(get("members", path[1]+":"+m.ID), &doc); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, u := range path {
		for _, w := range []string{"nguyen", "thi", "hoa", "nguyen thi", "hoa nguyen", "hoa thi"} {
			want = append(want, u+":"+w)
		}
	}
	if !slices.Equal(doc.ScopeWords, want) {
		t.Errorf("scopeWords = %v, want %v", doc.ScopeWords, want)
	}
	// Keyed by province (docs/sharding.md §3): _id "<province>:<id>".
	if doc.MemberID != m.ID || doc.Province != path[1] || doc.Kind != "live" {
		t.Errorf("key fields %+v", doc)
	}
	if doc.SortKey != m.SortKey() || doc.BirthDate != "1960-05-19" || doc.LeftOn != "" || len(doc.History) != 1 {
		t.Errorf("stored %+v", doc)
	}
	if doc.ActiveNationalID == nil || *doc.ActiveNationalID != m.NationalID {
		t.Errorf("an active member carries activeNationalId: %+v", doc)
	}

	left := *m
	left.Status, left.LeftOn, left.Version = members.Left, civil.MustParse("2025-06-30"), 2
	if err := db.UpdateMember(ctx, &left, &members.Event{MemberID: m.ID, Seq: 2, Type: members.LeftEvent, On: left.LeftOn, At: t0}); err != nil {
		t.Fatal(err)
	}
	doc.ActiveNationalID = nil
	if err := bson.Unmarshal(get("members", path[1]+":"+m.ID), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.ActiveNationalID != nil || doc.LeftOn != "2025-06-30" || len(doc.History) != 2 || doc.History[1]["type"] != "left" {
		t.Errorf("after leaving: %+v", doc)
	}

	// Every read of members, and what it projects.
	seen.mu.Lock()
	seen.cmds = nil
	seen.mu.Unlock()
	if _, err := db.GetMember(ctx, m.ID, members.InProvinces(path[1])); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ListMembers(ctx, members.Query{Path: path[:2], Page: page.Request{Limit: 5}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ListMembers(ctx, members.Query{Path: path[:2], Words: []string{"hoa"}, Page: page.Request{Limit: 5}}); err != nil {
		t.Fatal(err)
	}
	if hist, err := db.MemberHistory(ctx, m.ID, members.InProvinces(path[1])); err != nil || len(hist) != 2 || hist[1].MemberID != m.ID {
		t.Fatalf("history %+v %v", hist, err)
	}
	if len(seen.cmds) != 4 {
		t.Fatalf("%d finds on members, want 4", len(seen.cmds))
	}
	for i, c := range seen.cmds {
		p, _ := c.Lookup("projection").DocumentOK()
		h, _ := p.Lookup("history").AsInt64OK()
		w, _ := p.Lookup("scopeWords").AsInt64OK()
		wantH, wantW := int64(0), int64(0) // excluded
		if i == len(seen.cmds)-1 {
			wantH = 1 // MemberHistory: history only
		}
		if p == nil || h != wantH || (i < len(seen.cmds)-1 && w != wantW) {
			t.Errorf("find %d projects %s", i, p)
		}
	}

	// A board: _id is the unit; posts carry the officer's JSON names.
	b := &officers.Board{UnitID: path[1], Path: path[:2], Version: 1, Posts: []*officers.Officer{{ID: "o000000000000001",
		FullName: "Trần Văn An", Position: officers.Chair, From: civil.MustParse("2021-06-01"), Version: 1, CreatedAt: t0, UpdatedAt: t0}}}
	if err := db.SaveBoard(ctx, b); err != nil {
		t.Fatal(err)
	}
	post := get("officerBoards", path[1]).Lookup("posts", "0")
	if post.Document().Lookup("id").StringValue() != "o000000000000001" || post.Document().Lookup("from").StringValue() != "2021-06-01" ||
		post.Document().Lookup("to").StringValue() != "" {
		t.Errorf("stored post %s", post)
	}
}
