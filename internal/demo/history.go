package demo

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/officers"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
)

// HistorySpec says where History writes: through the services, as the
// branch chairs would have over the years.
type HistorySpec struct {
	Units    *units.Service
	Members  *members.Service
	Officers *officers.Service
	Caller   *access.Caller
	Branches []*units.Unit // as SeedRoll made them
	Today    civil.Date
	Seed     uint64
}

// Histories is what History did; Branch is the branch whose chair the
// demo's branch-chair user is (the first branch SeedRoll made).
type Histories struct {
	Left, Transferred, Officers int
	Branch                      *units.Unit
}

// History gives a seeded roll some years of life, in one branch out of
// five: about one member in twenty left on a day between joining and
// Today (died, for one in four of them), one in forty moved to the next
// branch of the same commune on a day after joining, and the branch has a
// chair and a secretary (two of its members) for the 2022–2027 term.
// Dates are in the past, so past figures change as they would have.
func History(ctx context.Context, spec HistorySpec) (*Histories, error) {
	r := rand.New(rand.NewPCG(spec.Seed, spec.Seed^0x415))
	h := &Histories{Branch: spec.Branches[0]}
	term := civil.MustParse("2022-06-15")
	for i, b := range spec.Branches {
		if i%5 != 0 {
			continue
		}
		res, err := spec.Members.List(ctx, spec.Caller, b.ID, b.ID, members.Query{Page: page.Request{Limit: page.MaxLimit}})
		if err != nil {
			return nil, err
		}
		var next *units.Unit
		if i+1 < len(spec.Branches) && spec.Branches[i+1].ParentID == b.ParentID {
			next = spec.Branches[i+1]
		}
		for k, m := range res.Items {
			switch {
			case k == 0 || k == 1:
				pos, what := officers.Chair, "Chi hội trưởng"
				if k == 1 {
					pos, what = officers.Secretary, "Thư ký"
				}
				if _, err := spec.Officers.Create(ctx, spec.Caller, b.ID, m.ID, officers.Input{Position: pos,
					TermLabel: "2022–2027", From: later(m.JoinedOn, term)}); err != nil {
					return nil, fmt.Errorf("%s of %s: %w", what, b.Name, err)
				}
				h.Officers++
			case r.IntN(20) == 0:
				status, reason := members.Left, "chuyển nơi cư trú"
				if r.IntN(4) == 0 {
					status, reason = members.Deceased, "từ trần"
				}
				if _, err := spec.Members.Leave(ctx, spec.Caller, m.ID, status, between(r, m.JoinedOn, spec.Today), reason); err != nil {
					return nil, fmt.Errorf("leave of %s: %w", m.ID, err)
				}
				h.Left++
			case next != nil && r.IntN(40) == 0:
				if _, err := spec.Members.Transfer(ctx, spec.Caller, m.ID, next.ID, between(r, m.JoinedOn, spec.Today)); err != nil {
					return nil, fmt.Errorf("transfer of %s: %w", m.ID, err)
				}
				h.Transferred++
			}
		}
	}
	return h, nil
}

// between is a day after from and on or before to (from itself when
// there is no room).
func between(r *rand.Rand, from, to civil.Date) civil.Date {
	n := days(from, to)
	if n <= 0 {
		return from
	}
	return from.AddDays(1 + r.IntN(n))
}

// later is the later of two days.
func later(a, b civil.Date) civil.Date {
	if a.After(b) {
		return a
	}
	return b
}
