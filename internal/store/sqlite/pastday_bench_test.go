package sqlite

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/rollups"
	"github.com/sohoi/sohoi/internal/units"
)

// BenchmarkPastDay times, in one run beside the plain aggregation of the
// province, its rollup as of arbitrary days of the last ten years (none
// a month end) and period reports between two such days: each is the
// kept month end nearest to the day plus or minus the movements between
// (internal/rollups/movements.go). The month ends are kept first, as the
// server and `sohoi close-month` keep them; the first answers are checked
// against the same days counted from every member's periods.
func BenchmarkPastDay(b *testing.B) {
	fx := loadRoll(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(13, 14))
	today := civil.Today(time.Now())
	var days []civil.Date
	for len(days) < 12 {
		d := today.AddDays(-1 - rng.IntN(3650))
		if d.AddDays(1).Day != 1 && d.Day != 1 { // neither a month end nor the day after one
			days = append(days, d)
		}
	}
	start := time.Now()
	kept := 0
	for _, d := range days {
		first := civil.Date{Year: d.Year, Month: d.Month, Day: 1}
		next := first.AddDays(40)
		for _, e := range []civil.Date{first.AddDays(-1), civil.Date{Year: next.Year, Month: next.Month, Day: 1}.AddDays(-1)} {
			if !e.Before(today) {
				continue
			}
			made, err := fx.rollups.CloseMonth(ctx, access.System("bench"), fx.province, e)
			if err != nil {
				b.Fatal(err)
			}
			if made {
				kept++
			}
		}
	}
	fmt.Printf("kept %d month ends around the days asked for: %s\n", kept, time.Since(start).Round(time.Millisecond))
	// The same service without movements counts every period (the store
	// is seen through a wrapper that offers only rollups.Store).
	slow := rollups.NewService(struct{ rollups.Store }{fx.db}, units.NewTree(fx.db), fx.db, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	for _, d := range days[:2] {
		start := time.Now()
		want, err := slow.Rollup(ctx, access.System("bench"), fx.province.ID, d)
		if err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		got, err := fx.rollups.Rollup(ctx, access.System("bench"), fx.province.ID, d)
		if err != nil {
			b.Fatal(err)
		}
		if fmt.Sprint(got.Totals, rowsOf(got)) != fmt.Sprint(want.Totals, rowsOf(want)) {
			b.Fatalf("%s: from movements %+v\ncounted %+v", d, got.Totals, want.Totals)
		}
		fmt.Printf("province as of %s counted from every period: %s (agrees with movements)\n", d, took.Round(time.Millisecond))
	}
	b.Run("province aggregation", func(b *testing.B) {
		latencies(b, func(int) {
			if t, err := fx.db.aggregate(ctx, fx.province); err != nil || t.ActiveMembers == 0 {
				b.Fatal(err)
			}
		})
	})
	b.Run("province asOf any day", func(b *testing.B) {
		latencies(b, func(i int) {
			r, err := fx.rollups.Rollup(ctx, access.System("bench"), fx.province.ID, days[i%len(days)])
			if err != nil || r.Totals.Members == 0 {
				b.Fatalf("%+v %v", r, err)
			}
		})
	})
	b.Run("province report between two days", func(b *testing.B) {
		latencies(b, func(i int) {
			from, to := days[i%len(days)], days[(i+1)%len(days)]
			if to.Before(from) {
				from, to = to, from
			}
			p, err := fx.rollups.PeriodReport(ctx, access.System("bench"), fx.province.ID, from, to)
			if err != nil || !p.Total.Balanced() {
				b.Fatalf("%+v %v", p, err)
			}
		})
	})
}

func rowsOf(r *rollups.Rollup) []string {
	var out []string
	for _, c := range r.Children {
		out = append(out, fmt.Sprint(c.Unit.ID, c.Totals))
	}
	return out
}
