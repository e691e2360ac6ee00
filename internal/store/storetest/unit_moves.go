package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/units"
)

// testUnitMoves checks the moves of units kept for reading past days in
// the tree as it was (units.MoveHistory): a move is found from any unit on
// either of its paths, only when dated after the day asked, in day then
// time order, and recording it again (a resumed move) changes nothing.
func testUnitMoves(t *testing.T, open Opener) {
	s := open(t)
	at := time.Date(2025, 7, 1, 3, 0, 0, 0, time.UTC)
	p := func(ids ...string) unitpath.Path { return unitpath.Path(append([]string{units.RootID}, ids...)) }
	b1 := &units.MoveRecord{ID: units.MoveID("b1", 4), UnitID: "b1", From: p("tb", "d1", "c1", "b1"), To: p("hy", "n1", "b1"),
		Day: civil.Date{Year: 2025, Month: 7, Day: 1}, At: at}
	b2 := &units.MoveRecord{ID: units.MoveID("b2", 2), UnitID: "b2", From: p("hy", "d2", "c2", "b2"), To: p("hy", "n1", "b2"),
		Day: civil.Date{Year: 2025, Month: 7, Day: 1}, At: at.Add(time.Second)}
	back := &units.MoveRecord{ID: units.MoveID("b1", 6), UnitID: "b1", From: p("hy", "n1", "b1"), To: p("hy", "n2", "b1"),
		Day: civil.Date{Year: 2025, Month: 9, Day: 2}, At: at.AddDate(0, 2, 1)}
	for _, m := range []*units.MoveRecord{back, b2, b1, b1} { // b1 twice: a resumed move
		if err := s.RecordMove(ctx(), m); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(ms []*units.MoveRecord, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out
	}
	june := civil.Date{Year: 2025, Month: 6, Day: 30}
	july := civil.Date{Year: 2025, Month: 7, Day: 1}
	cases := []struct {
		name string
		got  []string
		want []string
	}{
		{"out of an old province", ids(s.MovesSince(ctx(), "tb", june)), []string{b1.ID}},
		{"out of an old commune", ids(s.MovesSince(ctx(), "c1", june)), []string{b1.ID}},
		{"into and within a new province, by day then time", ids(s.MovesSince(ctx(), "hy", june)), []string{b1.ID, b2.ID, back.ID}},
		{"into a new commune", ids(s.MovesSince(ctx(), "n1", june)), []string{b1.ID, b2.ID, back.ID}},
		{"the root sees every move", ids(s.MovesSince(ctx(), units.RootID, june)), []string{b1.ID, b2.ID, back.ID}},
		{"a move on the day asked is not after it", ids(s.MovesSince(ctx(), "hy", july)), []string{back.ID}},
		{"a unit elsewhere", ids(s.MovesSince(ctx(), "c9", june)), nil},
		{"a unit's own moves", ids(s.MovesOf(ctx(), []string{"b1"}, june)), []string{b1.ID, back.ID}},
		{"several units' own moves", ids(s.MovesOf(ctx(), []string{"b2", "b1", "n1"}, july)), []string{back.ID}},
		{"no units", ids(s.MovesOf(ctx(), nil, june)), nil},
	}
	for _, c := range cases {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, c.got, c.want)
		}
	}
	t.Run("a move reads back whole", func(t *testing.T) {
		ms, err := s.MovesOf(ctx(), []string{"b2"}, june)
		if err != nil || len(ms) != 1 {
			t.Fatalf("%v, %v", ms, err)
		}
		m := ms[0]
		if m.UnitID != "b2" || !slices.Equal(m.From, b2.From) || !slices.Equal(m.To, b2.To) || m.Day != b2.Day || !m.At.Equal(b2.At) {
			t.Fatalf("read back %+v, want %+v", m, b2)
		}
	})
}
