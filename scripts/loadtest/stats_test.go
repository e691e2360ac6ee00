package main

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
)

func TestPercentile(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		var d []time.Duration
		for _, v := range n {
			d = append(d, time.Duration(v)*time.Millisecond)
		}
		return d
	}
	for _, c := range []struct {
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{nil, .5, 0},
		{ms(7), .99, 7 * time.Millisecond},
		{ms(1, 2, 3, 4), .5, 2 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), .99, 10 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), .10, 1 * time.Millisecond},
	} {
		if got := percentile(c.sorted, c.p); got != c.want {
			t.Errorf("percentile(%v, %v) = %v, want %v", c.sorted, c.p, got, c.want)
		}
	}
}

func TestRecordCountsTimeoutsAndErrors(t *testing.T) {
	var s opStats
	s.record(time.Millisecond, nil)
	s.record(3*time.Second, nil)
	s.record(time.Millisecond, &apiError{Status: 500, Body: "boom"})
	if s.timeouts != 1 || s.errors != 1 || len(s.latencies) != 3 || !strings.Contains(s.lastError, "500") {
		t.Fatalf("got %+v", s)
	}
}

func histogram(count uint64, buckets map[float64]uint64) *dto.Histogram {
	h := &dto.Histogram{SampleCount: &count}
	for _, ub := range []float64{.01, .1, 1, 10} {
		ub, c := ub, buckets[ub]
		h.Bucket = append(h.Bucket, &dto.Bucket{UpperBound: &ub, CumulativeCount: &c})
	}
	return h
}

func TestLagQuantileUsesOnlyTheRunsObservations(t *testing.T) {
	// Before the run: 100 fast settlings. During it: 10 more, 9 under 0.1 s
	// and one under 10 s.
	before := histogram(100, map[float64]uint64{.01: 100, .1: 100, 1: 100, 10: 100})
	after := histogram(110, map[float64]uint64{.01: 100, .1: 109, 1: 109, 10: 110})
	for _, c := range []struct {
		q    float64
		want float64
	}{{.5, .1}, {.9, .1}, {.99, 10}} {
		got, n := lagQuantile(before, after, c.q)
		if n != 10 || got != c.want {
			t.Errorf("q%v = %v over %d, want %v over 10", c.q, got, n, c.want)
		}
	}
	// Observations above the last bucket answer +Inf.
	over := histogram(111, map[float64]uint64{.01: 100, .1: 109, 1: 109, 10: 110})
	if got, _ := lagQuantile(before, over, 1); !math.IsInf(got, 1) {
		t.Errorf("above the last bucket: %v, want +Inf", got)
	}
	if _, n := lagQuantile(after, after, .5); n != 0 {
		t.Errorf("no settling during the run: n = %d", n)
	}
}

func TestParseMetrics(t *testing.T) {
	text := `# TYPE sohoi_counter_settle_lag_seconds histogram
sohoi_counter_settle_lag_seconds_bucket{le="0.01"} 3
sohoi_counter_settle_lag_seconds_bucket{le="+Inf"} 4
sohoi_counter_settle_lag_seconds_sum 1.5
sohoi_counter_settle_lag_seconds_count 4
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 2.5e+08
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 12.34
`
	s, err := parseMetrics(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	if s.rss != 2.5e8 || s.cpu != 12.34 || s.lag == nil || s.lag.GetSampleCount() != 4 {
		t.Fatalf("got rss %v cpu %v lag %v", s.rss, s.cpu, s.lag)
	}
}

func TestChooseFollowsTheMix(t *testing.T) {
	for _, writes := range []float64{0, .1} {
		w := &workload{writes: writes}
		r := rand.New(rand.NewPCG(1, 2))
		n := 200_000
		got := map[string]float64{}
		for range n {
			got[w.choose(r)]++
		}
		want := map[string]float64{
			opMember: .4 * (1 - writes), opBranchPage: .3 * (1 - writes), opSearch: .1 * (1 - writes),
			opRollup: .2 * (1 - writes), opCreate: .5 * writes, opUpdate: .3 * writes, opTransfer: .2 * writes,
		}
		for op, share := range want {
			if d := got[op]/float64(n) - share; d > .01 || d < -.01 {
				t.Errorf("writes %v: %s is %.3f of the requests, want %.3f", writes, op, got[op]/float64(n), share)
			}
		}
	}
}

func TestValidateRefusesOtherHosts(t *testing.T) {
	ok := config{addr: "127.0.0.1:8089", adminPassword: "x", conns: 1, duration: time.Second, maxRequests: 1}
	if err := validate(&ok); err != nil {
		t.Fatalf("loopback refused: %v", err)
	}
	for _, addr := range []string{"10.0.0.1:80", "example.com:80", "0.0.0.0:8080"} {
		c := ok
		c.addr = addr
		if err := validate(&c); err == nil {
			t.Errorf("%s accepted", addr)
		}
	}
}
