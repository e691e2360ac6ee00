package mongo

import (
	"fmt"
	"strconv"

	"github.com/sohoi/sohoi/internal/fund"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/scholarships"
)

// tallyDoc is a rollups.Tally as stored, named as in its JSON. BSON field
// names are strings, so the year histograms are kept under decimal year
// keys ("1960"; "0" when not recorded): readable in mongosh and not left
// to the codec's defaults for map[int]int.
type tallyDoc struct {
	Active         int            `bson:"active"`
	Female         int            `bson:"female"`
	Male           int            `bson:"male"`
	Left           int            `bson:"left"`
	Deceased       int            `bson:"deceased"`
	ByBirthYear    map[string]int `bson:"byBirthYear,omitempty"`
	ByJoinYear     map[string]int `bson:"byJoinYear,omitempty"`
	Joined         int            `bson:"joined"`
	TransferredIn  int            `bson:"transferredIn"`
	TransferredOut int            `bson:"transferredOut"`
	Branches       int            `bson:"branches"`
	PostsFrom      map[string]int `bson:"postsFrom,omitempty"`
	PostsTo        map[string]int `bson:"postsTo,omitempty"`
	Terms          map[string]int `bson:"terms,omitempty"` // the former form (rollups.Tally.Terms)
	// Issue 20's records (rollups/records.go): keys are days and
	// "kind|year|day", "level|day" (no dots: valid BSON field names).
	Learning    map[string]int   `bson:"learning,omitempty"`
	FundIn      map[string]int64 `bson:"fundIn,omitempty"`
	FundOut     map[string]int64 `bson:"fundOut,omitempty"`
	AwardCount  map[string]int   `bson:"awardCount,omitempty"`
	AwardAmount map[string]int64 `bson:"awardAmount,omitempty"`
	Overflow    bool             `bson:"overflow,omitempty"`
}

func toTallyDoc(t *rollups.Tally) *tallyDoc {
	return &tallyDoc{
		Active: t.Active, Female: t.Female, Male: t.Male, Left: t.Left, Deceased: t.Deceased,
		ByBirthYear: yearKeys(t.ByBirthYear), ByJoinYear: yearKeys(t.ByJoinYear),
		Joined: t.Joined, TransferredIn: t.TransferredIn, TransferredOut: t.TransferredOut,
		Branches: t.Branches, PostsFrom: t.PostsFrom, PostsTo: t.PostsTo, Terms: t.Terms,
		Learning: t.Learning, FundIn: t.Fund.In, FundOut: t.Fund.Out, AwardCount: t.Awards.Count, AwardAmount: t.Awards.Amount,
		Overflow: t.Overflow,
	}
}

func (d *tallyDoc) tally() (rollups.Tally, error) {
	birth, err := years(d.ByBirthYear)
	if err != nil {
		return rollups.Tally{}, fmt.Errorf("byBirthYear: %w", err)
	}
	join, err := years(d.ByJoinYear)
	if err != nil {
		return rollups.Tally{}, fmt.Errorf("byJoinYear: %w", err)
	}
	return rollups.Tally{
		Active: d.Active, Female: d.Female, Male: d.Male, Left: d.Left, Deceased: d.Deceased,
		ByBirthYear: birth, ByJoinYear: join,
		Joined: d.Joined, TransferredIn: d.TransferredIn, TransferredOut: d.TransferredOut,
		Branches: d.Branches, PostsFrom: d.PostsFrom, PostsTo: d.PostsTo, Terms: d.Terms,
		Learning: d.Learning, Fund: fund.Contribution{In: d.FundIn, Out: d.FundOut},
		Awards: scholarships.Contribution{Count: d.AwardCount, Amount: d.AwardAmount}, Overflow: d.Overflow,
	}, nil
}

func yearKeys(m map[int]int) map[string]int {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]int, len(m))
	for y, n := range m {
		out[strconv.Itoa(y)] = n
	}
	return out
}

// years reads yearKeys back. A key that is not a number is damage, not
// something to skip: a tally missing a year would silently undercount.
func years(m map[string]int) (map[int]int, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[int]int, len(m))
	for k, n := range m {
		y, err := strconv.Atoi(k)
		if err != nil {
			return nil, fmt.Errorf("year key %q: %w", k, err)
		}
		out[y] = n
	}
	return out, nil
}
