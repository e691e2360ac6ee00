package httpapi_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/api"
	"github.com/sohoi/sohoi/internal/httpapi"
)

func TestRenderDocs(t *testing.T) {
	page, err := httpapi.RenderDocs(api.OpenAPI)
	if err != nil {
		t.Fatalf("RenderDocs(api.OpenAPI): %v", err)
	}
	html := string(page)

	for _, tc := range []struct {
		name string
		want []string
	}{
		{"a complete HTML page", []string{"<!DOCTYPE html>", "<title>sohoi API", "</html>"}},
		{"the description with the roles table", []string{`<span class="h">Roles and scope</span>`, "| <code>reporter</code> |"}},
		{"a section per tag", []string{"<h2>system</h2>", "<h2>auth</h2>", "<h2>units</h2>", "<h2>users</h2>"}},
		{"login, public, with its body and its 429", []string{
			`id="login"`, "/api/v1/auth/login", "LoginRequest (application/json)", "<code>429</code>",
		}},
		{"a unit by id, behind a bearer token", []string{`id="getUnit"`, "/api/v1/units/{id}", "needs bearerAuth"}},
		{"path-level and shared query parameters", []string{
			`id="listUnitChildren"`, "<code>id</code> (path, required)", "<code>limit</code> (query)", "<code>integer</code>",
		}},
		{"responses resolved from components", []string{"Precondition Failed.", "Not Found. The object does not exist"}},
		{"user operations", []string{`id="createUser"`, `id="deleteUser"`, "UserUpdate (application/json)"}},
		{"system endpoints", []string{"/healthz", "/readyz", "/metrics", "/.well-known/jwks.json", "/api/v1/openapi.yaml"}},
		{"code spans as code, their text escaped", []string{"weak <code>W/&#34;3&#34;</code>"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, w := range tc.want {
				if !strings.Contains(html, w) {
					t.Errorf("page lacks %q", w)
				}
			}
		})
	}

	for _, tc := range []struct {
		name string
		bad  *regexp.Regexp
	}{
		{"no script at all", regexp.MustCompile(`(?i)<script`)},
		{"no remote stylesheet", regexp.MustCompile(`(?i)<link[^>]+href\s*=\s*["']?(https?:)?//`)},
		{"no remote resource of any kind", regexp.MustCompile(`(?i)\b(src|href)\s*=\s*["']?(https?:)?//`)},
		{"no CSS import", regexp.MustCompile(`(?i)@import|url\(`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if m := tc.bad.FindString(html); m != "" {
				t.Errorf("page contains %q", m)
			}
		})
	}
}

func TestRenderDocsEscapesSpecText(t *testing.T) {
	page, err := httpapi.RenderDocs([]byte(`
openapi: 3.1.0
info: {title: "<b>t</b>", version: "1", description: "<script>alert(1)</script> and ` + "`<i>x</i>`" + `"}
paths: {}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "<b>", "<i>"} {
		if strings.Contains(string(page), bad) {
			t.Errorf("page contains unescaped %q", bad)
		}
	}
	if want := "<code>&lt;i&gt;x&lt;/i&gt;</code>"; !strings.Contains(string(page), want) {
		t.Errorf("page lacks %q", want)
	}
}

func TestRenderDocsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, spec, want string
	}{
		{"not YAML", "openapi: [3.1", "parse OpenAPI"},
		{"a $ref to nothing", `
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /x:
    get:
      responses:
        '200': {$ref: '#/components/responses/Missing'}
`, `unresolved $ref "#/components/responses/Missing"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := httpapi.RenderDocs([]byte(tc.spec))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("RenderDocs: err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
