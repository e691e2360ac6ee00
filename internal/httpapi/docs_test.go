package httpapi_test

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// /docs is Redoc reading the served description, with Redoc's bundle served
// by the binary itself: nothing is loaded from elsewhere, and the page's CSP
// lets the bundle run and nothing else.
func TestDocsPage(t *testing.T) {
	e := newEnv(t)
	r := e.expect(e.do("GET", "/docs", "", nil), 200)
	page := string(r.body)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type %q", ct)
	}
	for _, want := range []string{
		"<!DOCTYPE html>", "<title>sohoi API</title>",
		`<redoc spec-url="/api/v1/openapi.yaml"`,
		`<script src="/docs/redoc.standalone.js"></script>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// Every src/href is local: the page works with no internet.
	for _, m := range regexp.MustCompile(`(?i)\b(?:src|href|spec-url)\s*=\s*"([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "/") || strings.HasPrefix(m[1], "//") {
			t.Errorf("page refers to %q, not a path of this server", m[1])
		}
	}
	if regexp.MustCompile(`(?i)<script>`).MatchString(page) {
		t.Error("page has an inline script, which its CSP forbids")
	}

	csp := r.header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if regexp.MustCompile(`script-src[^;]*(unsafe-inline|unsafe-eval|https?:|\*)`).MatchString(csp) {
		t.Errorf("CSP %q lets scripts run from elsewhere than this server", csp)
	}

	// The bundle is the committed file, served as JavaScript and revalidated
	// by ETag.
	want, err := os.ReadFile("redoc/redoc.standalone.js")
	if err != nil {
		t.Fatal(err)
	}
	js := e.expect(e.do("GET", "/docs/redoc.standalone.js", "", nil), 200)
	if !bytes.Equal(js.body, want) {
		t.Errorf("bundle: %d bytes served, want the %d of redoc/redoc.standalone.js", len(js.body), len(want))
	}
	if ct := js.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("bundle Content-Type %q", ct)
	}
	if !strings.Contains(string(js.body), `" ReDoc Version: ","2.`) {
		t.Errorf("bundle is not Redoc 2: %.200s", js.body)
	}
	e.expect(e.do("GET", "/docs/redoc.standalone.js", "", nil, "If-None-Match", js.header.Get("ETag")), 304)

	// The description Redoc reads is served beside it.
	e.expect(e.do("GET", "/api/v1/openapi.yaml", "", nil), 200)
}
