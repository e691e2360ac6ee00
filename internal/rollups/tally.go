package rollups

import (
	"maps"
	"strings"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/learning"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/scholarships"
)

// Tally is what a subtree holds as of a date. It is kept in a form that
// adds up the tree (counts and histograms), so a unit's tally is its own
// facts plus its children's tallies; derived figures that depend on the
// day asked for (ages, posts held) are computed when read.
type Tally struct {
	Active   int `json:"active"`
	Female   int `json:"female"` // active
	Male     int `json:"male"`   // active
	Left     int `json:"left"`   // records that ended by leaving, here
	Deceased int `json:"deceased"`
	// ByBirthYear and ByJoinYear count active members (0: not recorded).
	ByBirthYear map[int]int `json:"byBirthYear,omitempty"`
	ByJoinYear  map[int]int `json:"byJoinYear,omitempty"`
	// Flows up to the date: periods that began by joining or by a transfer
	// in, and that ended by a transfer out (leaving and dying are above).
	Joined         int `json:"joined"`
	TransferredIn  int `json:"transferredIn"`
	TransferredOut int `json:"transferredOut"`
	Branches       int `json:"branches"`
	// PostsFrom counts posts by the first day of their term, PostsTo the
	// ended ones by its last day, so that the posts held on any day (begun
	// on or before it, not ended before it) can be counted from a stored
	// tally. A tally has at most one key per day a term began or ended: it
	// grows with the days of history, not with the posts (a key per term
	// was 2.7 MB at 100,000 terms, rewritten on every recount of the root).
	PostsFrom map[string]int `json:"postsFrom,omitempty"`
	PostsTo   map[string]int `json:"postsTo,omitempty"`
	// Terms is the former form, a key per term "from|to" (to empty: open):
	// still counted in tallies stored before, never written by a recount.
	Terms map[string]int `json:"terms,omitempty"`

	// Issue 20's records (records.go): recognitions by "kind|year|day" of
	// decision, the fund's net amounts in and out by day, awards by
	// "level|day" and their amounts by day; Overflow says a checked VND
	// sum overflowed while adding up (a report then answers an error).
	Learning learning.Contribution     `json:"learning,omitempty"`
	Fund     fund.Contribution         `json:"fund,omitzero"`
	Awards   scholarships.Contribution `json:"awards,omitzero"`
	Overflow bool                      `json:"overflow,omitempty"`
}

// Clone returns a copy of t that shares no map with it: what a store that
// keeps decoded tallies hands out, since the counting adds into tallies
// it is given. Add is the one place that knows every field, so a copy is
// the sum of t and nothing (TestCloneCopiesEveryField holds it to that).
func (t *Tally) Clone() Tally {
	var c Tally
	c.Add(t)
	return c
}

// Add adds o to t.
func (t *Tally) Add(o *Tally) {
	t.Active += o.Active
	t.Female += o.Female
	t.Male += o.Male
	t.Left += o.Left
	t.Deceased += o.Deceased
	t.Joined += o.Joined
	t.TransferredIn += o.TransferredIn
	t.TransferredOut += o.TransferredOut
	t.Branches += o.Branches
	t.ByBirthYear = addMap(t.ByBirthYear, o.ByBirthYear)
	t.ByJoinYear = addMap(t.ByJoinYear, o.ByJoinYear)
	t.PostsFrom = addMap(t.PostsFrom, o.PostsFrom)
	t.PostsTo = addMap(t.PostsTo, o.PostsTo)
	t.Terms = addMap(t.Terms, o.Terms)
	t.addRecords(o)
}

func addMap[K comparable](dst, src map[K]int) map[K]int {
	if len(src) == 0 {
		return dst
	}
	if dst == nil {
		// The sum of src and nothing: a copy, which the runtime makes
		// several times faster than adding key by key (BenchmarkClone);
		// Clone, which the tally cache runs for every tally it hands out,
		// gets here for every map.
		return maps.Clone(src)
	}
	for k, v := range src {
		dst[k] += v
	}
	return dst
}

func (t *Tally) countActive(p *MovedPeriod) {
	t.Active++
	switch p.Gender {
	case members.Female:
		t.Female++
	case members.Male:
		t.Male++
	}
	t.ByBirthYear = addOne(t.ByBirthYear, p.BirthYear)
	t.ByJoinYear = addOne(t.ByJoinYear, p.JoinYear)
}

// addOne counts one more k in m. A branch's recount calls it twice for
// each of its active members: building a map of one key to add each time
// was a third of what the settler spent (pprof, issue 15's load test).
func addOne[K comparable](m map[K]int, k K) map[K]int {
	if m == nil {
		m = map[K]int{}
	}
	m[k]++
	return m
}

// BranchOn tallies a branch as it was at the end of day d, from the
// periods (stints) its members spent in it: everyone who ever belonged to
// the branch is given, with their stints. The branch itself counts from the
// day it was created, or from its first member's first day if that is
// earlier (rolls entered today often begin years ago).
func BranchOn(branchID string, created civil.Date, everyone []*members.Member, d civil.Date) *Tally {
	return BranchOnPeriods(created, PeriodsIn(branchID, everyone), d)
}

// PeriodsIn are the periods the members spent in a branch, each with what
// a tally counts of its member.
func PeriodsIn(branchID string, everyone []*members.Member) []MovedPeriod {
	var out []MovedPeriod
	for _, m := range everyone {
		for _, st := range m.Stints {
			if st.BranchID == branchID {
				out = append(out, MovedPeriod{Gender: m.Gender, BirthYear: m.BirthDate.Year, JoinYear: m.JoinedOn.Year, Stint: st})
			}
		}
	}
	return out
}

// BranchOnPeriods is BranchOn from the branch's periods (PeriodsIn, or a
// store's BranchPeriods, which reads them without the members' rows).
func BranchOnPeriods(created civil.Date, periods []MovedPeriod, d civil.Date) *Tally {
	t := &Tally{}
	if !created.After(d) {
		t.Branches = 1
	}
	for i := range periods {
		p := &periods[i]
		s := p.Stint
		if s.From.After(d) {
			continue
		}
		t.Branches = 1
		if s.StartedBy == members.Joined {
			t.Joined++
		} else {
			t.TransferredIn++
		}
		if s.To.IsZero() || s.To.After(d) {
			t.countActive(p)
			continue
		}
		switch s.EndedBy {
		case members.LeftEvent:
			t.Left++
		case members.Died:
			t.Deceased++
		default:
			t.TransferredOut++
		}
	}
	return t
}

// AddTerms counts a unit's posts into t.
func (t *Tally) AddTerms(posts []*officers.Officer) {
	for _, p := range posts {
		t.PostsFrom = addOne(t.PostsFrom, p.From.String())
		if !p.To.IsZero() {
			t.PostsTo = addOne(t.PostsTo, p.To.String())
		}
	}
}

// OfficersOn counts the posts held on day d: begun on or before d and not
// ended before it.
func (t *Tally) OfficersOn(d civil.Date) int {
	day := d.String()
	n := 0
	for k, v := range t.PostsFrom {
		if k <= day {
			n += v
		}
	}
	for k, v := range t.PostsTo {
		if k < day {
			n -= v
		}
	}
	for k, v := range t.Terms {
		from, to, _ := strings.Cut(k, "|")
		if from <= day && (to == "" || to >= day) {
			n += v
		}
	}
	return n
}

// AgeBands are active members by age, counted by year of birth as annual
// reports do (age = the year asked for − year of birth).
type AgeBands struct {
	Under30 int `json:"under30"`
	From30  int `json:"30to44"`
	From45  int `json:"45to59"`
	From60  int `json:"60to74"`
	From75  int `json:"75plus"`
	Unknown int `json:"unknown"`
}

// Add counts n people born in birthYear (0: not recorded) into their band
// in year.
func (b *AgeBands) Add(birthYear, year, n int) {
	switch age := year - birthYear; {
	case birthYear == 0:
		b.Unknown += n
	case age < 30:
		b.Under30 += n
	case age < 45:
		b.From30 += n
	case age < 60:
		b.From45 += n
	case age < 75:
		b.From60 += n
	default:
		b.From75 += n
	}
}

// Totals is the figure set of a rollup (API.md: units/{id}/rollup).
type Totals struct {
	Members        int      `json:"members"`
	ActiveMembers  int      `json:"activeMembers"`
	Female         int      `json:"female"`
	Male           int      `json:"male"`
	Left           int      `json:"left"`
	Deceased       int      `json:"deceased"`
	Branches       int      `json:"branches"`
	Officers       int      `json:"officers"`
	JoinedThisYear int      `json:"joinedThisYear"`
	AgeBands       AgeBands `json:"ageBands"`
}

// Totals derives the figures as of day d. Members counts everyone on the
// rolls: active, and those whose record ended here by leaving or death.
func (t *Tally) Totals(d civil.Date) Totals {
	out := Totals{Members: t.Active + t.Left + t.Deceased, ActiveMembers: t.Active, Female: t.Female, Male: t.Male,
		Left: t.Left, Deceased: t.Deceased, Branches: t.Branches, Officers: t.OfficersOn(d), JoinedThisYear: t.ByJoinYear[d.Year]}
	for y, n := range t.ByBirthYear {
		out.AgeBands.Add(y, d.Year, n)
	}
	return out
}
