package app

import (
	"strings"
	"testing"
)

func TestFromEnvListenerSettings(t *testing.T) {
	for _, tc := range []struct {
		name        string
		env         map[string]string
		metricsAddr string
		maxConns    int
		err         string
	}{
		{"defaults", nil, "", 1000, ""},
		{"both set", map[string]string{"SOHOI_METRICS_ADDR": "127.0.0.1:9090", "SOHOI_MAX_CONNECTIONS": " 200 "}, "127.0.0.1:9090", 200, ""},
		{"a cap that is not a number", map[string]string{"SOHOI_MAX_CONNECTIONS": "lots"}, "", 0, "SOHOI_MAX_CONNECTIONS"},
		{"a cap of zero", map[string]string{"SOHOI_MAX_CONNECTIONS": "0"}, "", 0, "SOHOI_MAX_CONNECTIONS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := FromEnv(func(k string) string { return tc.env[k] })
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one naming %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.MetricsAddr != tc.metricsAddr || c.MaxConnections != tc.maxConns {
				t.Errorf("MetricsAddr %q MaxConnections %d, want %q %d", c.MetricsAddr, c.MaxConnections, tc.metricsAddr, tc.maxConns)
			}
		})
	}
}
