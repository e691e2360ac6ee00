package rollups

import (
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
)

var d = civil.MustParse

func TestBranchOn(t *testing.T) {
	// one member's history in branch A: joined 2020-03-08, moved to B on
	// 2024-01-15; another joined A in 2022 and left on 2025-03-01; a third
	// came to A from B on 2023-05-05 and died on 2024-09-09.
	everyone := []*members.Member{
		{Gender: members.Male, BirthDate: d("1990-01-01"), JoinedOn: d("2020-03-08"), Stints: []members.Stint{
			{BranchID: "A", From: d("2020-03-08"), To: d("2024-01-15"), StartedBy: members.Joined, EndedBy: members.Transferred},
			{BranchID: "B", From: d("2024-01-15"), StartedBy: members.Transferred}}},
		{Gender: members.Female, BirthDate: d("1960-01-01"), JoinedOn: d("2022-02-02"), Stints: []members.Stint{
			{BranchID: "A", From: d("2022-02-02"), To: d("2025-03-01"), StartedBy: members.Joined, EndedBy: members.LeftEvent}}},
		{Gender: members.Female, JoinedOn: d("2021-01-01"), Stints: []members.Stint{
			{BranchID: "B", From: d("2021-01-01"), To: d("2023-05-05"), StartedBy: members.Joined, EndedBy: members.Transferred},
			{BranchID: "A", From: d("2023-05-05"), To: d("2024-09-09"), StartedBy: members.Transferred, EndedBy: members.Died}}},
	}
	cases := []struct {
		day                                   string
		active, female, male, left, deceased  int
		joined, transferredIn, transferredOut int
	}{
		{"2020-03-07", 0, 0, 0, 0, 0, 0, 0, 0},
		{"2020-03-08", 1, 0, 1, 0, 0, 1, 0, 0}, // from the first day
		{"2023-05-05", 3, 2, 1, 0, 0, 2, 1, 0},
		{"2024-01-14", 3, 2, 1, 0, 0, 2, 1, 0},
		{"2024-01-15", 2, 2, 0, 0, 0, 2, 1, 1}, // not on the day of the move
		{"2024-09-09", 1, 1, 0, 0, 1, 2, 1, 1},
		{"2025-03-01", 0, 0, 0, 1, 1, 2, 1, 1},
	}
	for _, c := range cases {
		got := BranchOn("A", d("2026-01-01"), everyone, d(c.day))
		want := Tally{Active: c.active, Female: c.female, Male: c.male, Left: c.left, Deceased: c.deceased,
			Joined: c.joined, TransferredIn: c.transferredIn, TransferredOut: c.transferredOut, Branches: boolInt(c.day >= "2020-03-08")}
		got.ByBirthYear, got.ByJoinYear = nil, nil
		if !equal(got, &want) {
			t.Errorf("%s: got %+v, want %+v", c.day, *got, want)
		}
		// every branch balances from its first day
		if got.Joined+got.TransferredIn-got.Left-got.Deceased-got.TransferredOut != got.Active {
			t.Errorf("%s does not balance: %+v", c.day, *got)
		}
	}
}

func TestTotals(t *testing.T) {
	tally := &Tally{Active: 6, Female: 4, Male: 2, Left: 1, Deceased: 2, Branches: 3,
		ByBirthYear: map[int]int{0: 1, 2000: 1, 1990: 1, 1970: 1, 1960: 1, 1940: 1},
		ByJoinYear:  map[int]int{2025: 2, 2020: 4},
	}
	tally.AddTerms([]*officers.Officer{
		{From: d("2021-06-01"), To: d("2026-05-31")},
		{From: d("2021-06-01")},
		{From: d("2016-06-01"), To: d("2021-05-31")},
	})
	got := tally.Totals(d("2025-06-30"))
	want := Totals{Members: 9, ActiveMembers: 6, Female: 4, Male: 2, Left: 1, Deceased: 2, Branches: 3, Officers: 2,
		JoinedThisYear: 2, AgeBands: AgeBands{Unknown: 1, Under30: 1, From30: 1, From45: 1, From60: 1, From75: 1}}
	if got != want {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	if n := tally.OfficersOn(d("2021-05-31")); n != 1 {
		t.Fatalf("posts held on the last day of a term: %d", n)
	}
	if n := tally.OfficersOn(d("2016-05-31")); n != 0 {
		t.Fatalf("posts before any term: %d", n)
	}
}

func TestAddIsASum(t *testing.T) {
	a := &Tally{Active: 1, ByBirthYear: map[int]int{1960: 1}, Terms: map[string]int{"2021-06-01|": 1}, Branches: 1}
	b := &Tally{Active: 2, ByBirthYear: map[int]int{1960: 1, 1970: 1}, Branches: 1, TransferredOut: 1}
	sum := &Tally{}
	sum.Add(a)
	sum.Add(b)
	want := &Tally{Active: 3, ByBirthYear: map[int]int{1960: 2, 1970: 1}, Terms: map[string]int{"2021-06-01|": 1}, Branches: 2, TransferredOut: 1}
	if !equal(sum, want) {
		t.Fatalf("got %+v", sum)
	}
	if a.ByBirthYear[1960] != 1 {
		t.Fatal("Add changed its argument")
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// A branch counts from its creation, or from its first member's first day.
func TestBranchOnCountsTheBranchFromItsFirstDay(t *testing.T) {
	if got := BranchOn("A", d("2025-01-01"), nil, d("2024-12-31")).Branches; got != 0 {
		t.Fatalf("before creation: %d", got)
	}
	if got := BranchOn("A", d("2025-01-01"), nil, d("2025-01-01")).Branches; got != 1 {
		t.Fatalf("on the day of creation: %d", got)
	}
}

// A tally's posts grow with the days terms began or ended, not with the
// posts, and count the same as a key per term did (which tallies stored
// before still hold).
func TestPostsAreBoundedByDays(t *testing.T) {
	start := d("2020-01-01")
	var posts []*officers.Officer
	legacy := &Tally{}
	for i := range 20_000 {
		p := &officers.Officer{From: start.AddDays(i % 97)}
		if i%3 != 0 {
			p.To = p.From.AddDays(1 + i%89)
		}
		posts = append(posts, p)
		legacy.Terms = addMap(legacy.Terms, map[string]int{p.From.String() + "|" + p.To.String(): 1})
	}
	tally := &Tally{}
	tally.AddTerms(posts)
	if keys := len(tally.PostsFrom) + len(tally.PostsTo); keys > 2*200 {
		t.Fatalf("%d keys for 20,000 posts over 200 days", keys)
	}
	if len(legacy.Terms) < 1000 {
		t.Fatalf("the former form had only %d keys: the case does not show the bound", len(legacy.Terms))
	}
	half := &Tally{}
	half.AddTerms(posts[:10_000])
	mixed := &Tally{Terms: map[string]int{}}
	for _, p := range posts[10_000:] {
		mixed.Terms[p.From.String()+"|"+p.To.String()]++
	}
	mixed.Add(half) // a parent summing a child recounted since and one stored before
	for day := start.AddDays(-1); day.Before(start.AddDays(200)); day = day.AddDays(1) {
		want := legacy.OfficersOn(day)
		if got := tally.OfficersOn(day); got != want {
			t.Fatalf("%s: %d posts held, a key per term says %d", day, got, want)
		}
		if got := mixed.OfficersOn(day); got != want {
			t.Fatalf("%s: %d posts held in a mixed tally, want %d", day, got, want)
		}
	}
}

// BenchmarkBranchOnPeriods counts a branch of 600 members (a province of
// 1 M has about that many per branch), what the settler does for every
// branch a write touches.
func BenchmarkBranchOnPeriods(b *testing.B) {
	created := civil.Date{Year: 2010, Month: 1, Day: 1}
	var ps []MovedPeriod
	for i := range 600 {
		p := MovedPeriod{Gender: members.Female, BirthYear: 1940 + i%60, JoinYear: 2000 + i%25,
			Stint: members.Stint{From: civil.Date{Year: 2000 + i%25, Month: 1, Day: 1}, StartedBy: members.Joined}}
		if i%10 == 0 {
			p.Stint.To, p.Stint.EndedBy = civil.Date{Year: 2025, Month: 6, Day: 1}, members.LeftEvent
		}
		ps = append(ps, p)
	}
	day := civil.Date{Year: 2026, Month: 12, Day: 4}
	b.ReportAllocs()
	for b.Loop() {
		if t := BranchOnPeriods(created, ps, day); t.Active != 540 {
			b.Fatalf("active %d, want 540", t.Active)
		}
	}
}

// BenchmarkClone copies a district's tally (a key per birth and join year
// and per day a post began or ended), what the tally cache hands out for
// every child of a unit a rollup reads.
func BenchmarkClone(b *testing.B) {
	var t Tally
	t.ByBirthYear, t.ByJoinYear, t.PostsFrom, t.PostsTo = map[int]int{}, map[int]int{}, map[string]int{}, map[string]int{}
	for y := 1920; y < 2010; y++ {
		t.ByBirthYear[y] = y
	}
	for y := 1990; y < 2027; y++ {
		t.ByJoinYear[y] = y
	}
	for d := range 200 {
		day := civil.Date{Year: 2000 + d%26, Month: time.Month(1 + d%12), Day: 1 + d%28}.String()
		t.PostsFrom[day]++
		t.PostsTo[day]++
	}
	b.ReportAllocs()
	for b.Loop() {
		if c := t.Clone(); len(c.ByBirthYear) != 90 {
			b.Fatal(len(c.ByBirthYear))
		}
	}
}
