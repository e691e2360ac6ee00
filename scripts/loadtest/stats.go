package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// timeoutAfter is when an answer counts as a timeout: the "> 2 s".
// Requests are not cut off there, so their real latency still counts.
const timeoutAfter = 2 * time.Second

// opStats collects what one operation did. Each worker keeps its own and
// they are merged at the end, so recording takes no lock.
type opStats struct {
	latencies []time.Duration
	errors    int
	timeouts  int
	lastError string
}

func (s *opStats) record(d time.Duration, err error) {
	s.latencies = append(s.latencies, d)
	if d > timeoutAfter {
		s.timeouts++
	}
	if err != nil {
		s.errors++
		s.lastError = err.Error()
	}
}

func (s *opStats) merge(o *opStats) {
	s.latencies = append(s.latencies, o.latencies...)
	s.errors += o.errors
	s.timeouts += o.timeouts
	if o.lastError != "" {
		s.lastError = o.lastError
	}
}

// percentile of sorted latencies (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(i, 0)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

// printTable writes throughput, p50/p99, errors and timeouts per operation,
// and returns how many requests the run sent, answered or not.
func printTable(w io.Writer, ops []string, stats map[string]*opStats, elapsed time.Duration) int {
	fmt.Fprintf(w, "%-16s %9s %9s %9s %9s %7s %8s\n", "operation", "requests", "req/s", "p50 ms", "p99 ms", "errors", "timeouts")
	total := &opStats{}
	for _, op := range ops {
		s := stats[op]
		if s == nil || len(s.latencies) == 0 {
			continue
		}
		total.merge(s)
		printRow(w, op, s, elapsed)
	}
	printRow(w, "all", total, elapsed)
	for _, op := range ops {
		if s := stats[op]; s != nil && s.lastError != "" {
			fmt.Fprintf(w, "last error of %s: %s\n", op, s.lastError)
		}
	}
	return len(total.latencies)
}

func printRow(w io.Writer, name string, s *opStats, elapsed time.Duration) {
	slices.Sort(s.latencies)
	fmt.Fprintf(w, "%-16s %9d %9.0f %9s %9s %7d %8d\n", name, len(s.latencies),
		float64(len(s.latencies))/elapsed.Seconds(),
		ms(percentile(s.latencies, 0.50)), ms(percentile(s.latencies, 0.99)), s.errors, s.timeouts)
}

// scrape reads the server's /metrics: the settle-lag histogram and the
// process's resident memory.
type scrape struct {
	lag *dto.Histogram // nil when the server has not recorded any
	rss float64        // bytes; 0 when not exported
	cpu float64        // seconds of CPU the server has used; 0 when not exported
}

func parseMetrics(r io.Reader) (scrape, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		return scrape{}, err
	}
	var s scrape
	if f := fams["sohoi_counter_settle_lag_seconds"]; f != nil && len(f.Metric) > 0 {
		s.lag = f.Metric[0].GetHistogram()
	}
	if f := fams["process_resident_memory_bytes"]; f != nil && len(f.Metric) > 0 {
		s.rss = f.Metric[0].GetGauge().GetValue()
	}
	if f := fams["process_cpu_seconds_total"]; f != nil && len(f.Metric) > 0 {
		s.cpu = f.Metric[0].GetCounter().GetValue()
	}
	return s, nil
}

// lagQuantile is the upper bound of the histogram bucket holding quantile q
// of the observations made between before and after (cumulative buckets, so
// the difference is the run's own). It answers +Inf above the last bucket.
func lagQuantile(before, after *dto.Histogram, q float64) (bound float64, count uint64) {
	if after == nil {
		return 0, 0
	}
	base := map[float64]uint64{}
	var baseCount uint64
	if before != nil {
		baseCount = before.GetSampleCount()
		for _, b := range before.Bucket {
			base[b.GetUpperBound()] = b.GetCumulativeCount()
		}
	}
	count = after.GetSampleCount() - baseCount
	if count == 0 {
		return 0, 0
	}
	want := uint64(math.Ceil(q * float64(count)))
	for _, b := range after.Bucket {
		if b.GetCumulativeCount()-base[b.GetUpperBound()] >= want {
			return b.GetUpperBound(), count
		}
	}
	return math.Inf(1), count
}

// rssOf reads VmRSS of a local process, in bytes.
func rssOf(pid int) (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

func mb(b float64) string { return fmt.Sprintf("%.0f MB", b/1e6) }
