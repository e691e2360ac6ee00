package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the HTTP metrics served at /metrics. Every label value comes
// from a closed set: the route pattern (never the raw path), a known method
// or "other", the status the server chose. A stranger sending made-up
// methods and random paths therefore cannot add series.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	logins   *prometheus.CounterVec
}

// unmatchedRoute labels every request that matched no route.
const unmatchedRoute = "unmatched"

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sohoi_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "sohoi_http_request_duration_seconds", Help: "HTTP request latency by route and method.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route"}),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sohoi_logins_total",
			Help: "Password logins by result: ok, or the reason of the refusal (invalid_credentials, rate_limited, bad_request, error).",
		}, []string{"result"}),
	}
	for _, r := range loginResults {
		m.logins.WithLabelValues(r) // a refusal counter exists at 0 before the first refusal
	}
	reg.MustRegister(m.requests, m.duration, m.logins)
	return m
}

// methodLabel maps a request method to a closed set of label values.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return method
	}
	return "other"
}

func (m *metrics) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = unmatchedRoute
	}
	method := methodLabel(c.Request.Method)
	m.requests.WithLabelValues(method, route, strconv.Itoa(c.Writer.Status())).Inc()
	m.duration.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
}

var loginResults = []string{"ok", "invalid_credentials", "rate_limited", "bad_request", "error"}

// countLogin counts a login by its outcome, read from the status the
// handler answered with: the reasons of refusal are the login's documented
// error statuses, a closed set.
func (m *metrics) countLogin(c *gin.Context) {
	c.Next()
	result := "error"
	switch s := c.Writer.Status(); {
	case s == http.StatusOK:
		result = "ok"
	case s == http.StatusUnauthorized:
		result = "invalid_credentials"
	case s == http.StatusTooManyRequests:
		result = "rate_limited"
	case s >= 400 && s < 500:
		result = "bad_request"
	}
	m.logins.WithLabelValues(result).Inc()
}

// Handler serves the registry in the Prometheus exposition format.
func (m *metrics) handler() gin.HandlerFunc {
	return gin.WrapH(MetricsHandler(m.reg))
}

// MetricsHandler serves reg for a listener of its own (SOHOI_METRICS_ADDR).
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}
