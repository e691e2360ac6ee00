package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/logging"
)

// scrape reads /metrics from the app's metrics handler.
func scrape(t *testing.T, e *env) string {
	t.Helper()
	rec := httptest.NewRecorder()
	e.app.Metrics.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	return rec.Body.String()
}

// series counts the series of a scrape whose name starts with prefix.
func series(scrape, prefix string) int {
	n := 0
	for _, l := range strings.Split(scrape, "\n") {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// metricValue is the value of one series ("name{labels}") of a scrape, 0
// when it is absent.
func metricValue(t *testing.T, scrape, name string) float64 {
	t.Helper()
	for _, l := range strings.Split(scrape, "\n") {
		if v, ok := strings.CutPrefix(l, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", l, err)
			}
			return f
		}
	}
	return 0
}

// 5,000 unauthenticated requests with made-up methods and random paths
// once grew /metrics from 69 KB to 8 MB; now every label value comes from a
// closed set and the series stay where they were.
func TestMetricsCannotBeGrownByStrangers(t *testing.T) {
	e := newEnv(t)
	rng := rand.New(rand.NewPCG(1, 2))
	junk := func(n int) {
		for i := range n {
			method := fmt.Sprintf("X%dMETHOD", rng.IntN(1_000_000))
			path := fmt.Sprintf("/%x/%x", rng.Uint64(), rng.Uint64())
			switch i % 4 {
			case 1:
				method = "GET" // a known method on a random path
			case 2:
				path = "/api/v1/units/root" // a made-up method on a real route
			case 3:
				method, path = "GET", fmt.Sprintf("/api/v1/units/%x", rng.Uint64()) // a real route, unauthenticated
			}
			rec := httptest.NewRecorder()
			e.app.Handler.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
			if rec.Code < 400 {
				t.Fatalf("%s %s: %d", method, path, rec.Code)
			}
		}
	}
	junk(100) // every kind of junk once, so that its series exist
	before := scrape(t, e)
	junk(5000)
	after := scrape(t, e)

	if b, a := series(before, "sohoi_http_"), series(after, "sohoi_http_"); a != b {
		t.Errorf("HTTP series grew from %d to %d", b, a)
	}
	if len(after) > len(before)+4096 { // counters gain digits, nothing more
		t.Errorf("/metrics grew from %d to %d bytes", len(before), len(after))
	}
	for _, want := range []string{`method="other"`, `route="unmatched"`, `route="/api/v1/units/:id"`} {
		if !strings.Contains(after, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(after, "METHOD") {
		t.Error("a made-up method became a label value")
	}
}

func TestLoginsAndRefusalsAreCounted(t *testing.T) {
	e := newEnv(t) // newEnv logged the admin in once
	before := scrape(t, e)
	e.expect(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong-password"}), 401)
	e.expect(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong-password"}), 401)
	e.expect(e.do("POST", "/api/v1/auth/login", "", `{"username": 1}`), 400)
	e.login("admin", adminPassword)
	after := scrape(t, e)
	for _, c := range []struct {
		result string
		by     float64
	}{{"invalid_credentials", 2}, {"bad_request", 1}, {"ok", 1}, {"rate_limited", 0}} {
		name := `sohoi_logins_total{result="` + c.result + `"}`
		if got := metricValue(t, after, name) - metricValue(t, before, name); got != c.by {
			t.Errorf("%s went up by %v, want %v", name, got, c.by)
		}
	}
}

func TestMemberChangesCounterLagAndJobsAreCounted(t *testing.T) {
	r := newRoll(t)
	e := r.e
	before := scrape(t, e)
	m := r.add(r.chairA, r.a, map[string]any{"fullName": "Nguyễn Văn An"})
	r.add(r.chairA, r.a, map[string]any{"fullName": "Trần Thị Bình"})
	e.expect(e.do("PATCH", "/api/v1/members/"+m.ID, r.chairA, map[string]any{"phone": "0912345678"}), 200)
	e.expect(e.do("POST", "/api/v1/members/"+m.ID+"/transfer", e.admin, map[string]any{"toBranchId": r.b.ID, "on": civil.Today(time.Now()).String()}), 200)
	if err := e.app.Rollups.WaitSettled(context.Background()); err != nil {
		t.Fatal(err)
	}
	after := scrape(t, e)
	for _, c := range []struct {
		name string
		by   float64
	}{
		{`sohoi_member_changes_total{change="joined"}`, 2},
		{`sohoi_member_changes_total{change="updated"}`, 1},
		{`sohoi_member_changes_total{change="transferred"}`, 1},
		{`sohoi_member_changes_total{change="left"}`, 0},
	} {
		if got := metricValue(t, after, c.name) - metricValue(t, before, c.name); got != c.by {
			t.Errorf("%s went up by %v, want %v", c.name, got, c.by)
		}
	}
	for _, name := range []string{
		"sohoi_counter_settle_lag_seconds_count",
		`sohoi_background_job_runs_total{job="settle_counters",outcome="ok"}`,
	} {
		if metricValue(t, after, name) <= metricValue(t, before, name) {
			t.Errorf("%s did not go up: %v → %v", name, metricValue(t, before, name), metricValue(t, after, name))
		}
	}
	// The purge of expired refresh tokens runs once at start.
	purged := `sohoi_background_job_runs_total{job="purge_refresh_tokens",outcome="ok"}`
	for deadline := time.Now().Add(5 * time.Second); metricValue(t, after, purged) < 1 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		after = scrape(t, e)
	}
	if metricValue(t, after, purged) < 1 {
		t.Errorf("%s was not counted", purged)
	}
	if got := metricValue(t, after, "sohoi_counter_pending_units"); got != 0 {
		t.Errorf("sohoi_counter_pending_units = %v once every change is settled", got)
	}
}

// With SOHOI_METRICS_ADDR, /metrics moves to its own listener: the API's
// answers 404 for it.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	e := newEnv(t, func(c *appConfig) { c.MetricsAddr = "127.0.0.1:0" })
	e.expect(e.do("GET", "/metrics", "", nil), 404, "not_found")
	if s := scrape(t, e); !strings.Contains(s, "sohoi_http_requests_total") {
		t.Errorf("the metrics handler serves no HTTP metrics: %.300s", s)
	}
}

// A panic is recovered inside the access log and the metrics: the 500 is
// logged with its status and counted.
func TestPanicIsLoggedAndCounted(t *testing.T) {
	cfg := app.Defaults()
	cfg.DataDir, cfg.AdminPassword, cfg.CloseMonths = t.TempDir(), adminPassword, false
	var logs bytes.Buffer
	a, err := app.New(context.Background(), cfg, logging.New(&logs, "info"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	eng := a.Handler.(*gin.Engine)
	eng.GET("/test/panic", func(*gin.Context) { panic("boom") })
	srv := httptest.NewServer(eng)
	defer srv.Close()

	res, err := http.Get(srv.URL + "/test/panic")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 500 || !strings.Contains(string(body), `"code":"internal"`) ||
		res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("panic answered %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	var accessLine string
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "/test/panic") && strings.Contains(l, `"msg":"request"`) {
			accessLine = l
		}
	}
	if !strings.Contains(accessLine, `"status":500`) {
		t.Errorf("no access log line with status 500 for the panic:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "boom") {
		t.Error("the panic's value was not logged")
	}
	rec := httptest.NewRecorder()
	a.Metrics.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if v := metricValue(t, rec.Body.String(), `sohoi_http_requests_total{method="GET",route="/test/panic",status="500"}`); v != 1 {
		t.Errorf("the panic's 500 was counted %v times, want 1", v)
	}
}
