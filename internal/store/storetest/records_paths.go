package storetest

import (
	"bytes"
	"testing"

	"github.com/sohoi/sohoi/internal/evidence"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/scholarships"
	"github.com/sohoi/sohoi/internal/unitpath"
)

// Issue 20's records carry their unit's path: a moved subtree takes them
// along (district 336 moves from province 34 to 33).
func testRecordsFollowAMove(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	r := newRecognition(tr.a, "Gia đình ông Vũ Văn Nam", 2024)
	e := entry(tr.a, "2024-01-10", 100_000, fund.Out, "PC-9")
	a := &scholarships.Award{ID: "award-moved", UnitID: tr.a.ID, Path: tr.a.Path, Date: e.Date, Amount: 100_000, FundEntry: e.ID,
		Student: scholarships.Student{Name: "Vũ Thị Lan", School: "Trường Tiểu học", Level: scholarships.Primary}}
	content := evidenceBytes(1000)
	f := fileOf(content)
	if err := s.CreateRecognition(ctx(), r); err != nil {
		t.Fatal(err)
	}
	if err := s.AddEntry(ctx(), e); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAward(ctx(), a); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutFile(ctx(), f, bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	if err := s.LinkFile(ctx(), &evidence.Link{File: f.ID, Recognition: r.ID, Criterion: "c1", Path: tr.a.Path, LinkedAt: t0}); err != nil {
		t.Fatal(err)
	}
	to := tr.p33.Path.Child(tr.d336.ID)
	rewriteAll(t, s, tr.d336.Path, to, "", 0)
	want, _ := tr.a.Path.Rebase(tr.d336.Path, to)
	same := func(what string, p unitpath.Path) {
		t.Helper()
		if p.Key() != want.Key() {
			t.Errorf("%s: path %v, want %v", what, p, want)
		}
	}
	got, _ := s.GetRecognition(ctx(), r.ID)
	same("recognition", got.Path)
	if got.Version != 2 {
		t.Errorf("a moved recognition is at version %d, want 2 (a compare-and-swap prepared before the move must fail)", got.Version)
	}
	ge, _ := s.GetEntry(ctx(), e.ID)
	same("fund entry", ge.Path)
	ga, _ := s.GetAward(ctx(), a.ID)
	same("award", ga.Path)
	links, _ := s.Links(ctx(), r.ID)
	if len(links) != 1 {
		t.Fatalf("links %v", links)
	}
	same("evidence link", links[0].Path)
	for _, top := range []unitpath.Path{tr.p33.Path, tr.p34.Path} {
		res, err := s.ListEntries(ctx(), top, e.Date, e.Date, page.Request{Limit: 5})
		if err != nil || (len(res.Items) == 1) != (top.Unit() == tr.p33.ID) {
			t.Errorf("entries under %v after the move: %v %v", top, res.Items, err)
		}
	}
}
