package storetest

import (
	"testing"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/officers"
)

func testOfficerBoards(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	b, err := s.GetBoard(ctx(), tr.p34.ID)
	if err != nil || b.Version != 0 || len(b.Posts) != 0 {
		t.Fatalf("empty board: %+v %v", b, err)
	}
	chair := &officers.Officer{ID: "0000000000000001", MemberID: "m1", FullName: "Nguyễn Văn An", Position: officers.Chair,
		TermLabel: "2021-2026", From: civil.MustParse("2021-06-01"), To: civil.MustParse("2026-05-31"), Version: 1, CreatedAt: t0, UpdatedAt: t0}
	vice := &officers.Officer{ID: "0000000000000002", FullName: "Trần Thị Bình", Position: officers.ViceChair,
		TermLabel: "2021-2026", From: civil.MustParse("2021-06-01"), Version: 1, CreatedAt: t0, UpdatedAt: t0}
	b.Path, b.Posts, b.Version = tr.p34.Path, []*officers.Officer{chair}, 1
	if err := s.SaveBoard(ctx(), b); err != nil {
		t.Fatal(err)
	}
	again := *b
	if err := s.SaveBoard(ctx(), &again); !errs.Is(err, errs.VersionMismatch) {
		t.Fatalf("a second first version: %v", err)
	}
	b.Posts, b.Version = append(b.Posts, vice), 2
	if err := s.SaveBoard(ctx(), b); err != nil {
		t.Fatal(err)
	}
	stale := *b
	if err := s.SaveBoard(ctx(), &stale); !errs.Is(err, errs.VersionMismatch) {
		t.Fatalf("a stale save: %v", err)
	}
	got, err := s.GetBoard(ctx(), tr.p34.ID)
	if err != nil || got.Version != 2 || len(got.Posts) != 2 {
		t.Fatalf("board %+v %v", got, err)
	}
	p := got.Posts[0]
	if *p != *chair {
		t.Fatalf("post %+v, want %+v", p, chair)
	}
	if !got.Posts[1].To.IsZero() || got.Posts[1].MemberID != "" {
		t.Fatalf("open-ended post %+v", got.Posts[1])
	}
	for id, want := range map[string]string{chair.ID: tr.p34.ID, vice.ID: tr.p34.ID} {
		if unit, err := s.BoardOfOfficer(ctx(), id); err != nil || unit != want {
			t.Fatalf("board of %s: %s %v", id, unit, err)
		}
	}
	got.Posts, got.Version = got.Posts[1:], 3
	if err := s.SaveBoard(ctx(), got); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BoardOfOfficer(ctx(), chair.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("a removed post still has a board: %v", err)
	}
	other, _ := s.GetBoard(ctx(), tr.p33.ID)
	if other.Version != 0 || len(other.Posts) != 0 {
		t.Fatalf("boards leak across units: %+v", other)
	}
}
