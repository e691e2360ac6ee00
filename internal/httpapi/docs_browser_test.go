package httpapi_test

import (
	"bytes"
	"context"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// /docs rendered by a real headless browser, under its CSP: the Markdown
// tables of the description, the schemas' fields and the examples are on
// the page. Skipped where no Chromium is installed.
func TestDocsRenderInABrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	var browser string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Skip("no Chromium on PATH")
	}
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var dom, logs bytes.Buffer
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000",
		"--dump-dom", e.srv.URL+"/docs")
	cmd.Stdout, cmd.Stderr = &dom, &logs
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", browser, err, logs.String())
	}
	page := dom.String()
	for _, c := range []struct{ what, want string }{
		{"the roles table of the description, as a table", "<td><code>admin</code>"},
		{"an operation", "/api/v1/units/{id}/members"},
		{"a schema's field", "nationalId"},
		{"a request example", "KhuyenHoc@2025"},
	} {
		if !strings.Contains(page, c.want) {
			t.Errorf("the rendered page lacks %s (%q)", c.what, c.want)
		}
	}
	// Redoc's footer links a logo on its CDN: refused, and harmless. Nothing
	// else may be refused.
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "Content Security Policy") && !regexp.MustCompile(`https://cdn\.redoc\.ly/\S+\.svg`).MatchString(l) {
			t.Errorf("CSP violation: %s", l)
		}
	}
}
