// Package app builds sohoi from its configuration: the store, the domain
// services and the HTTP handler, explicitly and in one place, for the
// binary and for end-to-end tests alike.
package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sohoi/sohoi/internal/access"
)

// Config is sohoi's configuration; API.md ("Running") names the variables.
type Config struct {
	Addr           string        // SOHOI_ADDR
	MetricsAddr    string        // SOHOI_METRICS_ADDR: /metrics on a listener of its own (empty: on Addr)
	PprofAddr      string        // SOHOI_PPROF_ADDR: Go's profiles (/debug/pprof/) on a listener of their own (empty: none)
	MaxConnections int           // SOHOI_MAX_CONNECTIONS: connections served at once on Addr
	DataDir        string        // SOHOI_DATA_DIR: the embedded store's directory
	MongoURI       string        // SOHOI_MONGODB_URI: MongoDB instead of the embedded store
	MongoDB        string        // SOHOI_MONGODB_DB
	AdminPassword  string        // SOHOI_ADMIN_PASSWORD: the bootstrap admin's password
	CORSOrigins    []string      // SOHOI_CORS_ORIGINS
	TrustedProxies []string      // SOHOI_TRUSTED_PROXIES: proxies whose X-Forwarded-For is believed
	LogLevel       string        // SOHOI_LOG_LEVEL
	TokenIssuer    string        // SOHOI_TOKEN_ISSUER
	TokenAudience  string        // SOHOI_TOKEN_AUDIENCE
	AccessTTL      time.Duration // SOHOI_ACCESS_TOKEN_TTL
	RefreshTTL     time.Duration // SOHOI_REFRESH_TOKEN_TTL
	RootName       string        // name given to the root unit on first start
	// CloseMonths keeps each month's figures as it ends, in the background
	// (SOHOI_CLOSE_MONTHS, default true; tests turn it off).
	CloseMonths bool
	// CountInBackground settles counters behind writes instead of in the
	// request (SOHOI_COUNT_IN_BACKGROUND, default true). Off, each write
	// counts before it answers: slower, but nothing runs beside requests,
	// which a test against a server without atomic updates needs.
	CountInBackground bool
	// LoginLimits answer failed logins (not from the environment; tests
	// shorten the delays).
	LoginLimits access.LoginLimits
	// PastDayWorkers bounds how many past-day figures (rollups and period
	// report ends not kept as snapshots) are computed at once
	// (SOHOI_PAST_DAY_WORKERS; 0: half the CPUs, at least one).
	PastDayWorkers int
	// PastDayWait is the longest a request waits for a turn before it is
	// answered 503 server_busy (SOHOI_PAST_DAY_WAIT; 0: 2 s).
	PastDayWait time.Duration
	// MemoryLimitMiB is the server's soft limit on the Go runtime's memory
	// (SOHOI_MEMORY_LIMIT_MIB, default 96; 0: none; GOMEMLIMIT, when set,
	// wins): near it the collector works harder instead of letting the
	// heap double between collections under a burst of requests. The
	// embedded store's memory (its page caches and statements, allocated
	// by the transpiled SQLite outside the Go heap) is not under it.
	MemoryLimitMiB int
	// Clock is the time every service reads (nil: time.Now; not from the
	// environment). `sohoi demo` sets it to replay the years before the
	// 2025 reform, and the reform itself on its day.
	Clock func() time.Time
}

// Defaults returns the configuration with every default filled in.
func Defaults() Config {
	return Config{
		Addr: ":8080", MaxConnections: 1000, DataDir: "./data", MongoDB: "sohoi", LogLevel: "info",
		TokenIssuer: "sohoi", TokenAudience: "sohoi-api",
		AccessTTL: 15 * time.Minute, RefreshTTL: 30 * 24 * time.Hour,
		RootName: "Trung ương Hội", CloseMonths: true, CountInBackground: true, MemoryLimitMiB: 96,
		LoginLimits: access.DefaultLoginLimits(),
	}
}

// FromEnv reads the configuration from environment variables over the
// defaults.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Defaults()
	str := func(name string, dst *string) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	list := func(name string, dst *[]string) {
		for _, v := range strings.Split(getenv(name), ",") {
			if v = strings.TrimSpace(v); v != "" {
				*dst = append(*dst, v)
			}
		}
	}
	dur := func(name string, dst *time.Duration) error {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			return nil
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return fmt.Errorf("%s=%q is not a positive duration such as 15m or 720h", name, v)
		}
		*dst = d
		return nil
	}
	str("SOHOI_ADDR", &c.Addr)
	str("SOHOI_METRICS_ADDR", &c.MetricsAddr)
	str("SOHOI_PPROF_ADDR", &c.PprofAddr)
	if v := strings.TrimSpace(getenv("SOHOI_MAX_CONNECTIONS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, fmt.Errorf("SOHOI_MAX_CONNECTIONS=%q is not a positive whole number", v)
		}
		c.MaxConnections = n
	}
	str("SOHOI_DATA_DIR", &c.DataDir)
	str("SOHOI_MONGODB_URI", &c.MongoURI)
	str("SOHOI_MONGODB_DB", &c.MongoDB)
	c.AdminPassword = getenv("SOHOI_ADMIN_PASSWORD")
	list("SOHOI_CORS_ORIGINS", &c.CORSOrigins)
	list("SOHOI_TRUSTED_PROXIES", &c.TrustedProxies)
	str("SOHOI_LOG_LEVEL", &c.LogLevel)
	str("SOHOI_TOKEN_ISSUER", &c.TokenIssuer)
	str("SOHOI_TOKEN_AUDIENCE", &c.TokenAudience)
	if err := dur("SOHOI_ACCESS_TOKEN_TTL", &c.AccessTTL); err != nil {
		return c, err
	}
	if err := dur("SOHOI_REFRESH_TOKEN_TTL", &c.RefreshTTL); err != nil {
		return c, err
	}
	if err := dur("SOHOI_PAST_DAY_WAIT", &c.PastDayWait); err != nil {
		return c, err
	}
	if v := strings.TrimSpace(getenv("SOHOI_MEMORY_LIMIT_MIB")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return c, fmt.Errorf("SOHOI_MEMORY_LIMIT_MIB=%q is not a whole number of MiB (0: no limit)", v)
		}
		c.MemoryLimitMiB = n
	}
	if v := strings.TrimSpace(getenv("SOHOI_PAST_DAY_WORKERS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, fmt.Errorf("SOHOI_PAST_DAY_WORKERS=%q is not a positive number", v)
		}
		c.PastDayWorkers = n
	}
	for name, dst := range map[string]*bool{"SOHOI_CLOSE_MONTHS": &c.CloseMonths, "SOHOI_COUNT_IN_BACKGROUND": &c.CountInBackground} {
		switch v := strings.TrimSpace(getenv(name)); v {
		case "":
		case "true", "1":
			*dst = true
		case "false", "0":
			*dst = false
		default:
			return c, fmt.Errorf("%s=%q must be true or false", name, v)
		}
	}
	if c.AdminPassword != "" && len([]rune(c.AdminPassword)) < 10 {
		return c, fmt.Errorf("SOHOI_ADMIN_PASSWORD must be at least 10 characters")
	}
	return c, nil
}
