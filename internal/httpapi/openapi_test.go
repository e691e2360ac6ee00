package httpapi_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sohoi/sohoi/api"
)

// api/openapi.yaml and the registered routes must describe the same API:
// a route missing from the spec, or a spec path with no route, fails.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t)
	var spec struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(api.OpenAPI, &spec); err != nil {
		t.Fatal(err)
	}
	var documented []string
	for path, ops := range spec.Paths {
		for method := range ops {
			switch method {
			case "get", "post", "put", "patch", "delete":
				documented = append(documented, strings.ToUpper(method)+" "+path)
			}
		}
	}
	param := regexp.MustCompile(`:([A-Za-z]+)`)
	var served []string
	for _, r := range e.engineRoutes() {
		if r.Method == "HEAD" { // every GET answers HEAD too (TestHeadOnEveryGet)
			continue
		}
		served = append(served, r.Method+" "+param.ReplaceAllString(r.Path, "{$1}"))
	}
	slices.Sort(documented)
	slices.Sort(served)
	for _, s := range served {
		if !slices.Contains(documented, s) {
			t.Errorf("route %s is not in api/openapi.yaml", s)
		}
	}
	for _, d := range documented {
		if !slices.Contains(served, d) {
			t.Errorf("api/openapi.yaml documents %s, which no route serves", d)
		}
	}
}

func TestSystemEndpoints(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		path, contentType, contains string
	}{
		{"/healthz", "application/json", `"ok"`},
		{"/readyz", "application/json", `"ok"`},
		{"/metrics", "text/plain", "sohoi_http_requests_total"},
		{"/api/v1/openapi.yaml", "application/yaml", "openapi: 3.1"},
		{"/docs", "text/html", `<redoc spec-url="/api/v1/openapi.yaml"`},
		{"/.well-known/jwks.json", "application/json", `"kty":"OKP"`},
	}
	for _, c := range cases {
		r := e.expect(e.do("GET", c.path, "", nil), 200)
		if !strings.HasPrefix(r.header.Get("Content-Type"), c.contentType) || !strings.Contains(string(r.body), c.contains) {
			t.Errorf("%s: %s %.200s", c.path, r.header.Get("Content-Type"), r.body)
		}
		if r.header.Get("X-Request-Id") == "" {
			t.Errorf("%s: no X-Request-Id", c.path)
		}
	}
	r := e.do("GET", "/healthz", "", nil, "X-Request-Id", "abc-123")
	if r.header.Get("X-Request-Id") != "abc-123" {
		t.Errorf("the caller's request id was not kept: %q", r.header.Get("X-Request-Id"))
	}
	r = e.do("GET", "/healthz", "", nil, "X-Request-Id", "bad id\twith tabs")
	if got := r.header.Get("X-Request-Id"); got == "" || strings.Contains(got, " ") {
		t.Errorf("an unsafe request id was echoed: %q", got)
	}
}

func TestCORSAllowsOnlyConfiguredOrigins(t *testing.T) {
	e := newEnv(t, func(c *appConfig) { c.CORSOrigins = []string{"https://hoi.example.vn"} })
	r := e.do("OPTIONS", "/api/v1/units/root", "", nil, "Origin", "https://hoi.example.vn", "Access-Control-Request-Method", "GET",
		"Access-Control-Request-Headers", "authorization")
	if r.status >= 300 || r.header.Get("Access-Control-Allow-Origin") != "https://hoi.example.vn" {
		t.Fatalf("preflight from an allowed origin: %d %v", r.status, r.header)
	}
	r = e.do("GET", "/healthz", "", nil, "Origin", "https://evil.example.com")
	if r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("an unknown origin was allowed")
	}
}
