package app_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/demo"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/store/sqlite"
	"github.com/sohoi/sohoi/internal/units"
)

// rollFixture is one province (Thái Bình: 8 districts, 242 communes, 12
// branches each = 2,904 branches) holding SOHOI_BENCH_MEMBERS members
// (default 1,000,000) in a real embedded store. Set SOHOI_BENCH_DIR to keep
// the database between runs (it is built once, in about two minutes).
type rollFixture struct {
	db        *sqlite.DB
	units     *units.Service
	members   *members.Service
	province  *units.Unit
	districts []*units.Unit
	branches  []*units.Unit
	sample    []*members.Member // members read back, for ids and names
	seedRate  float64           // members per second while seeding, 0 when reused
}

var (
	rollOnce sync.Once
	roll     *rollFixture
	rollErr  error
)

func benchMembers() int {
	if n, err := strconv.Atoi(os.Getenv("SOHOI_BENCH_MEMBERS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

func loadRoll(b *testing.B) *rollFixture {
	rollOnce.Do(func() { roll, rollErr = buildRoll() })
	if rollErr != nil {
		b.Fatal(rollErr)
	}
	return roll
}

func buildRoll() (*rollFixture, error) {
	ctx := context.Background()
	dir := os.Getenv("SOHOI_BENCH_DIR")
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "sohoi-roll-bench"); err != nil {
			return nil, err
		}
	}
	_, statErr := os.Stat(filepath.Join(dir, sqlite.FileName))
	fresh := os.IsNotExist(statErr)
	db, err := sqlite.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	fx := &rollFixture{db: db, units: units.NewService(db, time.Now), members: members.NewService(db, time.Now)}
	root, err := fx.units.EnsureRoot(ctx, "Trung ương Hội", "VN")
	if err != nil {
		return nil, err
	}
	if fresh {
		f, err := os.Open(benchSharedDataFile)
		if err != nil {
			return nil, err
		}
		areas, err := units.ParseAdminAreas(f, "34")
		f.Close()
		if err != nil {
			return nil, err
		}
		if _, err := fx.units.Seed(ctx, root, areas); err != nil {
			return nil, err
		}
	}
	if fx.province, err = fx.units.ChildByCode(ctx, root, "34"); err != nil {
		return nil, err
	}
	n := 0
	if fresh {
		n = benchMembers()
	}
	r, err := demo.SeedRoll(ctx, fx.units, db, fx.province, 12, n, 5000, 1, time.Now())
	if err != nil {
		return nil, err
	}
	fx.branches = r.Branches
	if fresh {
		fx.seedRate = float64(r.Members) / r.Elapsed.Seconds()
	}
	ds, err := fx.units.Children(ctx, fx.province, page.Request{Limit: 100})
	if err != nil {
		return nil, err
	}
	fx.districts = ds.Items
	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		b := fx.branches[rng.IntN(len(fx.branches))]
		res, err := db.ListMembers(ctx, members.Query{UnitID: b.ID, Page: page.Request{Limit: 5}})
		if err != nil {
			return nil, err
		}
		fx.sample = append(fx.sample, res.Items...)
	}
	if len(fx.sample) == 0 {
		return nil, os.ErrNotExist
	}
	return fx, nil
}

// latencies runs op b.N times and reports its p50 and p99 in ms.
func latencies(b *testing.B, op func(i int)) {
	var ds []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		op(i)
		ds = append(ds, time.Since(start))
		i++
	}
	slices.Sort(ds)
	pct := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkRoll measures the member roll of a province of a million
// members on the embedded store: each answer is checked as it is timed.
func BenchmarkRoll(b *testing.B) {
	fx := loadRoll(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(9, 10))
	if fx.seedRate > 0 {
		b.Logf("seeded %d members at %.0f members/s", benchMembers(), fx.seedRate)
	}
	b.Run("branch first page by name", func(b *testing.B) {
		latencies(b, func(int) {
			br := fx.branches[rng.IntN(len(fx.branches))]
			res, err := fx.members.List(ctx, members.Query{UnitID: br.ID, Page: page.Request{Limit: 50}})
			if err != nil || len(res.Items) != 50 || res.Next == "" || res.Items[0].SortKey() > res.Items[49].SortKey() {
				b.Fatalf("page of %d, %v", len(res.Items), err)
			}
		})
	})
	b.Run("name search in a district", func(b *testing.B) {
		latencies(b, func(int) {
			m := fx.sample[rng.IntN(len(fx.sample))]
			words := strings.Fields(m.FullName)
			district := m.Ancestors[2]
			q := members.Query{UnitID: district, Words: members.SearchWords(words[0] + " " + words[len(words)-1]), Page: page.Request{Limit: 50}}
			res, err := fx.members.List(ctx, q)
			if err != nil || len(res.Items) == 0 {
				b.Fatalf("no match for %q in its district: %v", m.FullName, err)
			}
		})
	})
	b.Run("member by id", func(b *testing.B) {
		latencies(b, func(int) {
			want := fx.sample[rng.IntN(len(fx.sample))]
			got, err := fx.members.Get(ctx, want.ID)
			if err != nil || got.FullName != want.FullName {
				b.Fatalf("got %v, %v", got, err)
			}
		})
	})
	b.Run("member create", func(b *testing.B) {
		today := time.Now()
		latencies(b, func(i int) {
			br := fx.branches[rng.IntN(len(fx.branches))]
			in := demo.Person(rng, "34", civilToday(today), 2_000_000+i+int(today.UnixNano()%1_000_000)*1000)
			in.NationalID = "" // the demo serials would collide across runs of a kept database
			if _, err := fx.members.Create(ctx, members.Actor{ID: "bench", Name: "bench"}, br, in); err != nil {
				b.Fatal(err)
			}
		})
	})
}
