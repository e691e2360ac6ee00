package importjobs_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/demo"
	"github.com/sohoi/sohoi/internal/importjobs"
	"github.com/sohoi/sohoi/internal/imports"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/servicetest"
	"github.com/sohoi/sohoi/internal/units"
)

// BenchmarkImportAgainstRawInsert imports a roll of new members (100,000
// rows; SOHOI_BENCH_ROWS to change) through a job's path — read, match,
// decide, write in batches through the members service, counted per batch
// — and, in the same run, stores the same members on a second fresh store
// with the raw bulk insert (sqlite.DB.LoadMembers, batches of 1,000, no
// reading, no matching, no counting). It reports both rates and their
// ratio. Run it once: go test -run '^$' -bench ImportAgainstRaw -benchtime 1x ./internal/importjobs
func BenchmarkImportAgainstRawInsert(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("SOHOI_BENCH_ROWS")); err == nil && v > 0 {
		n = v
	}
	for b.Loop() {
		ctx := context.Background()
		imp, raw := benchStore(b), benchStore(b)
		today := civil.Today(time.Now())
		r := rand.New(rand.NewPCG(1, 2))
		inputs := make([]members.Input, n)
		var csv bytes.Buffer
		csv.WriteString("\ufeffHọ và tên,Ngày sinh,Giới tính,Số CCCD,Điện thoại,Địa chỉ,Ngày vào hội,Số thẻ,Chi hội\r\n")
		for i := range inputs {
			in := demo.Person(r, "34", today, i)
			inputs[i] = in
			g := "Nam"
			if in.Gender == members.Female {
				g = "Nữ"
			}
			fmt.Fprintf(&csv, "%s,%s,%s,%s,%s,%s,%s,%s,CH%02d\r\n", in.FullName, imports.FormatDate(in.BirthDate), g, in.NationalID, in.Phone,
				in.Address, imports.FormatDate(in.JoinedOn), in.MemberNo, 1+i%benchBranches)
		}

		start := time.Now()
		sum, err := imp.s.Imports.Run(ctx, servicetest.Sys, importjobs.Request{Job: "bench", UnitID: imp.commune.ID},
			bytes.NewReader(csv.Bytes()), nil)
		if err != nil {
			b.Fatal(err)
		}
		viaJob := time.Since(start)
		if sum.Created != n {
			b.Fatalf("the import created %d of %d (%+v)", sum.Created, n, sum)
		}

		start = time.Now()
		actor := members.Actor{ID: "bench", Name: "bench"}
		for i := 0; i < n; i += 1000 {
			var ms []*members.Member
			var evs []*members.Event
			for k := i; k < min(i+1000, n); k++ {
				m, ev, err := members.NewRecord(actor, raw.branches[k%benchBranches], inputs[k], time.Now())
				if err != nil {
					b.Fatal(err)
				}
				ms, evs = append(ms, m), append(evs, ev)
			}
			if err := raw.s.DB.LoadMembers(ctx, ms, evs); err != nil {
				b.Fatal(err)
			}
		}
		rawTime := time.Since(start)
		b.ReportMetric(float64(n)/viaJob.Seconds(), "import-rows/s")
		b.ReportMetric(float64(n)/rawTime.Seconds(), "raw-rows/s")
		b.ReportMetric(rawTime.Seconds()/viaJob.Seconds(), "import/raw")
	}
}

const benchBranches = 20

type benchEnv struct {
	s        *servicetest.Services
	commune  *units.Unit
	branches []*units.Unit
}

func benchStore(b *testing.B) benchEnv {
	s := servicetest.Open(b)
	p := s.Unit(b, units.RootID, units.Province, "34")
	c := s.Unit(b, s.Unit(b, p.ID, units.District, "336").ID, units.Commune, "12436")
	e := benchEnv{s: s, commune: c}
	for i := 1; i <= benchBranches; i++ {
		e.branches = append(e.branches, s.Unit(b, c.ID, units.Branch, fmt.Sprintf("CH%02d", i)))
	}
	return e
}
