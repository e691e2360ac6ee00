package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestNosniffEverywhereAndNoStoreOnTheAPI(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		path, token, cacheControl string
		status                    int
	}{
		{"/api/v1/me", e.admin, "no-store", 200},
		{"/api/v1/units/root", e.admin, "no-store", 200},
		{"/api/v1/units/root/members", e.admin, "no-store", 200},
		{"/api/v1/units/root/reports/period?from=2025-01-01&to=2025-01-31&format=csv", e.admin, "no-store", 200},
		{"/api/v1/units/root", "", "no-store", 401},
		{"/api/v1/no/such/path", "", "no-store", 404},
		{"/api/v1/openapi.yaml", "", "no-cache", 200},
		{"/healthz", "", "", 200},
		{"/docs", "", "", 200},
		{"/no/such/path", "", "", 404},
	} {
		r := e.expect(e.do("GET", c.path, c.token, nil), c.status)
		if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", c.path, got)
		}
		if got := r.header.Get("Cache-Control"); got != c.cacheControl {
			t.Errorf("%s: Cache-Control %q, want %q", c.path, got, c.cacheControl)
		}
	}
}

func TestHeadOnEveryGet(t *testing.T) {
	e := newEnv(t)
	heads := map[string]bool{}
	for _, r := range e.engineRoutes() {
		if r.Method == "HEAD" {
			heads[r.Path] = true
		}
	}
	for _, r := range e.engineRoutes() {
		if r.Method == "GET" && !heads[r.Path] {
			t.Errorf("GET %s has no HEAD", r.Path)
		}
	}
	for _, c := range []struct{ path, token string }{
		{"/healthz", ""}, {"/api/v1/units/root", e.admin}, {"/api/v1/openapi.yaml", ""}, {"/docs", ""},
	} {
		get := e.expect(e.do("GET", c.path, c.token, nil), 200)
		head := e.expect(e.do("HEAD", c.path, c.token, nil), 200)
		if len(head.body) != 0 {
			t.Errorf("HEAD %s has a body of %d bytes", c.path, len(head.body))
		}
		for _, h := range []string{"Content-Type", "ETag", "Cache-Control"} {
			if head.header.Get(h) != get.header.Get(h) {
				t.Errorf("HEAD %s: %s %q, GET has %q", c.path, h, head.header.Get(h), get.header.Get(h))
			}
		}
	}
	e.expect(e.do("HEAD", "/api/v1/units/root", "", nil), 401)
}

func TestIfNoneMatchAnswersNotModified(t *testing.T) {
	r := newRoll(t)
	e := r.e
	m := r.add(r.chairA, r.a, map[string]any{"fullName": "Nguyễn Văn An"})
	for _, path := range []string{"/api/v1/units/" + r.a.ID, "/api/v1/members/" + m.ID, "/api/v1/openapi.yaml"} {
		first := e.expect(e.do("GET", path, e.admin, nil), 200)
		etag := first.header.Get("ETag")
		if etag == "" {
			t.Fatalf("%s has no ETag", path)
		}
		for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
			again := e.expect(e.do("GET", path, e.admin, nil, "If-None-Match", inm), 304)
			if len(again.body) != 0 || again.header.Get("ETag") != etag {
				t.Errorf("%s If-None-Match %s: body %q, ETag %q", path, inm, again.body, again.header.Get("ETag"))
			}
			e.expect(e.do("HEAD", path, e.admin, nil, "If-None-Match", inm), 304)
		}
		e.expect(e.do("GET", path, e.admin, nil, "If-None-Match", `"no-such-version"`), 200)
	}
	// A change makes the old ETag stale: the new version is sent whole.
	old := e.expect(e.do("GET", "/api/v1/members/"+m.ID, e.admin, nil), 200).header.Get("ETag")
	e.expect(e.do("PATCH", "/api/v1/members/"+m.ID, r.chairA, map[string]any{"phone": "0912345678"}), 200)
	fresh := e.expect(e.do("GET", "/api/v1/members/"+m.ID, e.admin, nil, "If-None-Match", old), 200)
	if !strings.Contains(string(fresh.body), "0912345678") {
		t.Errorf("changed member: %s", fresh.body)
	}
	// An error is never turned into 304, and If-None-Match means nothing to
	// a change.
	e.expect(e.do("GET", "/api/v1/members/"+m.ID, r.reporter, nil, "If-None-Match", "*"), 403)
	e.expect(e.do("PATCH", "/api/v1/units/"+r.a.ID, e.admin, map[string]any{"name": "Chi hội mới"}, "If-None-Match", "*"), 200)
}

func TestRequestHeadersTooLargeIsProblemJSON(t *testing.T) {
	e := newEnv(t)
	r := e.expect(e.do("GET", "/api/v1/units/root", e.admin, nil, "X-Padding", strings.Repeat("a", 70<<10)), 431, "header_too_large")
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q", ct)
	}
	e.expect(e.do("GET", "/api/v1/units/root", e.admin, nil, "X-Padding", strings.Repeat("a", 60<<10)), 200)
}

func TestCORSRefusalIsProblemJSONAndExposesHeaders(t *testing.T) {
	e := newEnv(t, func(c *appConfig) { c.CORSOrigins = []string{"https://hoi.example.vn"} })
	for _, method := range []string{"GET", "OPTIONS"} {
		r := e.expect(e.do(method, "/api/v1/units/root", e.admin, nil, "Origin", "https://evil.example.com",
			"Access-Control-Request-Method", "GET"), 403, "forbidden")
		if ct := r.header.Get("Content-Type"); ct != "application/problem+json" || !strings.Contains(string(r.body), "evil.example.com") {
			t.Errorf("%s refusal: %s %s", method, ct, r.body)
		}
		if r.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s: an unknown origin was allowed", method)
		}
	}
	// A refusal by the limits is readable by an allowed origin's app.
	r := e.expect(e.do("GET", "/api/v1/units/root", e.admin, nil, "Origin", "https://hoi.example.vn",
		"X-Padding", strings.Repeat("a", 70<<10)), 431, "header_too_large")
	if r.header.Get("Access-Control-Allow-Origin") != "https://hoi.example.vn" {
		t.Errorf("a 431 to an allowed origin lacks Access-Control-Allow-Origin")
	}
	r = e.expect(e.do("GET", "/api/v1/units/root", e.admin, nil, "Origin", "https://hoi.example.vn"), 200)
	exposed := strings.ToLower(r.header.Get("Access-Control-Expose-Headers"))
	for _, h := range []string{"etag", "location", "content-disposition", "retry-after", "x-request-id"} {
		if !strings.Contains(exposed, h) {
			t.Errorf("Access-Control-Expose-Headers %q lacks %s", exposed, h)
		}
	}
}

func TestStartPageRedirectsToDocs(t *testing.T) {
	e := newEnv(t)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(e.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusFound || res.Header.Get("Location") != "/docs" || len(body) != 0 {
		t.Errorf("GET /: %d Location %q body %q", res.StatusCode, res.Header.Get("Location"), body)
	}
}
