// Command loadtest drives a sohoi server with the mixed workload of issue 15
// and prints throughput, p50/p99 per operation, errors, timeouts, the
// counters' settle lag and the server's resident memory.
//
//	go run ./scripts/loadtest -sohoi ./sohoi -data-dir /tmp/lt  # start (and seed) a server
//	go run ./scripts/loadtest -addr 127.0.0.1:8080 -pid 1234    # drive one already running
//
// It talks to loopback addresses only, is bounded in time and in requests,
// and stops by itself. Users are made through the API as the admin (a
// province viewer, district and commune viewers, branch and commune editors)
// and every request goes out as one of them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
)

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadtest: "+format+"\n", args...)
}

type config struct {
	addr, sohoi, dataDir, province, adminPassword, userPassword string
	members, conns, gather, pid                                 int
	duration                                                    time.Duration
	maxRequests                                                 int64
	writes                                                      float64
	plan                                                        userPlan
	seed, writersSeed                                           uint64
}

func main() {
	var c config
	fs := flag.NewFlagSet("loadtest", flag.ExitOnError)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8089", "server address (loopback only); with -sohoi the server is started there")
	fs.StringVar(&c.sohoi, "sohoi", "", "path of a sohoi binary: start `sohoi serve` (seeding -data-dir first if it has no database); empty: drive a server already running at -addr")
	fs.StringVar(&c.dataDir, "data-dir", "./loadtest-data", "the started server's data directory")
	fs.StringVar(&c.province, "province", "33", "code of the province to load (seeded with the 2025-03 tree when the database is new)")
	fs.IntVar(&c.members, "members", 1_000_000, "members to seed into a new database")
	fs.StringVar(&c.adminPassword, "admin-password", os.Getenv("SOHOI_ADMIN_PASSWORD"), "the admin's password (SOHOI_ADMIN_PASSWORD); a new database gets it")
	fs.StringVar(&c.userPassword, "user-password", "loadtest-users-2026", "password of the users the load test makes")
	fs.IntVar(&c.conns, "c", 32, "concurrent connections")
	fs.DurationVar(&c.duration, "d", 60*time.Second, "how long to drive the workload (at most 15m)")
	fs.Int64Var(&c.maxRequests, "n", 10_000_000, "stop after this many requests")
	fs.Float64Var(&c.writes, "writes", 0, "share of writes, 0–0.5 (50 % creates, 30 % updates, 20 % transfers)")
	fs.IntVar(&c.pid, "pid", 0, "the running server's process id, for RSS from /proc (default: process_resident_memory_bytes of /metrics)")
	fs.IntVar(&c.gather, "branches-read", 200, "branches whose first page gives the member ids read by id")
	fs.IntVar(&c.plan.districtViewers, "district-viewers", 10, "district viewers to make")
	fs.IntVar(&c.plan.communeViewers, "commune-viewers", 20, "commune viewers to make")
	fs.IntVar(&c.plan.branchEditors, "branch-editors", 20, "branch editors to make")
	fs.IntVar(&c.plan.communeEditors, "commune-editors", 4, "commune editors to make (they also transfer)")
	fs.Uint64Var(&c.seed, "seed", 1, "random seed")
	fs.Uint64Var(&c.writersSeed, "writers-seed", 0, "random seed of which branches and communes get the editors (default: a new one each run, printed; repeat it to repeat a run)")
	_ = fs.Parse(os.Args[1:])
	if err := validate(&c); err != nil {
		logf("%v", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, c); err != nil {
		logf("%v", err)
		os.Exit(1)
	}
}

func validate(c *config) error {
	host, _, err := net.SplitHostPort(c.addr)
	if err != nil {
		return fmt.Errorf("-addr: %w", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-addr %s: only loopback addresses (127.0.0.1, ::1, localhost)", c.addr)
	}
	switch {
	case c.adminPassword == "":
		return errors.New("set -admin-password or SOHOI_ADMIN_PASSWORD")
	case c.conns < 1 || c.conns > 1000:
		return errors.New("-c must be 1–1000")
	case c.duration <= 0 || c.duration > 15*time.Minute:
		return errors.New("-d must be above 0 and at most 15m")
	case c.maxRequests < 1:
		return errors.New("-n must be at least 1")
	case c.writes < 0 || c.writes > 0.5:
		return errors.New("-writes must be 0–0.5")
	}
	return nil
}

func run(ctx context.Context, c config) error {
	pid := c.pid
	if c.sohoi != "" {
		env := append(os.Environ(), "SOHOI_ADMIN_PASSWORD="+c.adminPassword,
			// Tokens outlive the run; the load test logs in once per user.
			"SOHOI_ACCESS_TOKEN_TTL=1h")
		if err := seedIfMissing(ctx, c.sohoi, c.dataDir, c.province, c.members, env); err != nil {
			return err
		}
		srv, err := startServer(ctx, c.sohoi, c.addr, c.dataDir, env)
		if err != nil {
			return err
		}
		defer srv.stop()
		pid = srv.pid()
	}
	hc := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConnsPerHost: c.conns + 4,
			MaxConnsPerHost:     c.conns + 4,
			IdleConnTimeout:     time.Minute,
		},
	}
	r := rand.New(rand.NewPCG(c.seed, 0))
	admin := &client{base: "http://" + c.addr, http: hc, username: "admin", password: c.adminPassword}
	if err := admin.login(ctx); err != nil {
		return err
	}
	t0 := time.Now()
	t, err := discover(ctx, admin, c.province)
	if err != nil {
		return err
	}
	// The editors' units are chosen apart from the rest of the run, and
	// anew each run: with one choice for every run, a database reused for
	// dozens of runs had 15,000-17,000 members in each branch the
	// editors wrote to (27 times the province's mean), every create
	// recounted such a branch, and the figures drifted down run after run.
	if c.writersSeed == 0 {
		c.writersSeed = uint64(time.Now().UnixNano())
	}
	u, err := makeUsers(ctx, admin, t, c.plan, c.userPassword, r, rand.New(rand.NewPCG(c.writersSeed, 0)))
	if err != nil {
		return err
	}
	members, err := gatherMembers(ctx, t, u, c.gather, r)
	if err != nil {
		return err
	}
	logf("province %s (%s): %d districts, %d communes, %d branches; %d users; %d member ids; ready in %s",
		t.province.Code, t.province.Name, len(t.districts), len(t.communes), len(t.branches),
		1+len(u.viewers)+len(u.writers), len(members), time.Since(t0).Round(time.Millisecond))
	if c.writes > 0 {
		sizes, err := writtenSizes(ctx, admin, t, u)
		if err != nil {
			return err
		}
		logf("editors' units: -writers-seed %d; %s", c.writersSeed, sizes)
	}

	before, err := scrapeMetrics(ctx, hc, c.addr)
	if err != nil {
		return err
	}
	rss := newRSSWatch(ctx, hc, c.addr, pid)
	w := &workload{tree: t, users: u, members: members, writes: c.writes}
	loadBefore := loadavg()
	logf("driving %d connections for %s (writes %.0f %%)", c.conns, c.duration, c.writes*100)
	stats, elapsed := w.drive(ctx, c.conns, c.duration, c.maxRequests, c.seed)
	loadAfter := loadavg()
	maxRSS, lastRSS, byMinute := rss.stop()
	// Give the counters a moment to settle what the last writes marked,
	// so the lag figure includes them.
	if c.writes > 0 {
		time.Sleep(3 * time.Second)
	}
	after, err := scrapeMetrics(ctx, hc, c.addr)
	if err != nil {
		return err
	}

	out := os.Stdout
	fmt.Fprintf(out, "\n%s, %d connections, %.1f s, writes %.0f %%, load average before %s, after %s\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), c.conns, elapsed.Seconds(), c.writes*100, loadBefore, loadAfter)
	sent := printTable(out, allOps, stats, elapsed)
	p50, n := lagQuantile(before.lag, after.lag, .50)
	p99, _ := lagQuantile(before.lag, after.lag, .99)
	if n == 0 {
		fmt.Fprintln(out, "settle lag: no change settled during the run")
	} else {
		fmt.Fprintf(out, "settle lag (sohoi_counter_settle_lag_seconds, %d settlings): p50 ≤ %gs, p99 ≤ %gs (bucket bounds)\n", n, p50, p99)
	}
	if cpu := after.cpu - before.cpu; cpu > 0 {
		// What a change to the server costs or saves, whatever else the
		// machine is doing: throughput alone moves with the CPU that other
		// work leaves to the server.
		fmt.Fprintf(out, "server CPU: %.1f s in the run (%.2f cores), %.0f requests per CPU second\n",
			cpu, cpu/elapsed.Seconds(), float64(sent)/cpu)
	}
	fmt.Fprintf(out, "server RSS: %s at most, %s at the end (%s)\n", mb(maxRSS), mb(lastRSS), rss.source)
	if len(byMinute) > 1 {
		// A soak's question: does memory stay flat, or creep?
		ms := make([]string, len(byMinute))
		for i, v := range byMinute {
			ms[i] = mb(v)
		}
		fmt.Fprintf(out, "server RSS, the most in each minute: %s\n", strings.Join(ms, ", "))
	}
	return nil
}

func scrapeMetrics(ctx context.Context, hc *http.Client, addr string) (scrape, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return scrape{}, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return scrape{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// SOHOI_METRICS_ADDR moves /metrics elsewhere: no lag nor RSS then.
		return scrape{}, nil
	}
	return parseMetrics(resp.Body)
}

// rssWatch samples the server's resident memory every second, and keeps
// the most of each minute (whether a long run's memory stays flat).
type rssWatch struct {
	source    string
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	max, last float64
	start     time.Time
	byMinute  []float64
}

func newRSSWatch(ctx context.Context, hc *http.Client, addr string, pid int) *rssWatch {
	ctx, cancel := context.WithCancel(ctx)
	w := &rssWatch{cancel: cancel, source: "process_resident_memory_bytes of /metrics", start: time.Now()}
	if pid > 0 {
		w.source = fmt.Sprintf("VmRSS of /proc/%d/status", pid)
	}
	sample := func() {
		var v float64
		if pid > 0 {
			v, _ = rssOf(pid)
		} else if s, err := scrapeMetrics(ctx, hc, addr); err == nil {
			v = s.rss
		}
		if v > 0 {
			w.last, w.max = v, max(w.max, v)
			m := int(time.Since(w.start) / time.Minute)
			for len(w.byMinute) <= m {
				w.byMinute = append(w.byMinute, 0)
			}
			w.byMinute[m] = max(w.byMinute[m], v)
		}
	}
	sample()
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				sample()
			}
		}
	}()
	return w
}

func (w *rssWatch) stop() (maxRSS, last float64, byMinute []float64) {
	w.cancel()
	w.wg.Wait()
	return w.max, w.last, w.byMinute
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
