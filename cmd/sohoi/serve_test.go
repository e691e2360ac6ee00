package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// With SOHOI_METRICS_ADDR the real server serves /metrics there, and the
// API's own address answers 404 for it.
func TestServeMetricsOnTheirOwnAddress(t *testing.T) {
	metricsAddr := freeAddr(t)
	p := startServer(t, "SOHOI_DATA_DIR="+t.TempDir(), "SOHOI_METRICS_ADDR="+metricsAddr, "SOHOI_MAX_CONNECTIONS=50")
	if status, _ := p.call("GET", "/metrics", "", nil); status != 404 {
		t.Errorf("/metrics on the API's address: %d, want 404", status)
	}
	res, err := http.Get("http://" + metricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `sohoi_http_requests_total{method="GET",route="unmatched",status="404"} 1`) {
		t.Errorf("/metrics on %s: %d %.500s", metricsAddr, res.StatusCode, body)
	}
	if !strings.Contains(p.logs.String(), `"max_connections":50`) {
		t.Errorf("the connection cap was not taken from SOHOI_MAX_CONNECTIONS:\n%s", p.logs)
	}
}

// With SOHOI_PPROF_ADDR the real server serves Go's profiles there, and
// never on the API's address.
func TestServeProfilesOnTheirOwnAddress(t *testing.T) {
	pprofAddr := freeAddr(t)
	p := startServer(t, "SOHOI_DATA_DIR="+t.TempDir(), "SOHOI_PPROF_ADDR="+pprofAddr)
	if status, _ := p.call("GET", "/debug/pprof/", "", nil); status != 404 {
		t.Errorf("/debug/pprof/ on the API's address: %d, want 404", status)
	}
	res, err := http.Get("http://" + pprofAddr + "/debug/pprof/heap?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "heap profile") {
		t.Errorf("/debug/pprof/heap on %s: %d %.300s", pprofAddr, res.StatusCode, body)
	}
}
