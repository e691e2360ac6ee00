package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/sohoi/sohoi/api"
)

// The contract check: every request a test sends through env.do and every
// answer it gets are validated against api/openapi.yaml, so that the code
// and the description cannot drift apart. A test that sends bad input on
// purpose still gets its answer checked; only the request may break the
// description, and only when the server refused it (4xx): a request the
// description forbids but the server accepts is a mismatch.

var contract struct {
	once   sync.Once
	router routers.Router
	err    error
}

// reporter is the part of testing.T the check uses, so that the check
// itself can be tested.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

func contractRouter(t reporter) routers.Router {
	t.Helper()
	contract.once.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(api.OpenAPI)
		if err != nil {
			contract.err = err
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			contract.err = err
			return
		}
		// Binary and page answers are checked for their media type only;
		// this description is served as YAML text (a string), not as data.
		for _, ct := range []string{
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/html", "application/yaml", "text/javascript",
			// evidence downloads (issue 20)
			"application/pdf", "image/jpeg", "image/png", "image/heic",
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		} {
			openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
		}
		closeObjects(doc)
		// The server URL "/" is relative: match requests to any host.
		doc.Servers = nil
		contract.router, contract.err = gorillamux.NewRouter(doc)
	})
	if contract.err != nil {
		t.Fatalf("api/openapi.yaml: %v", contract.err)
	}
	return contract.router
}

// closeObjects makes every object schema of the description that does not
// say otherwise refuse properties it does not list, for this check only:
// JSON Schema allows unlisted properties by default, so an answer carrying
// a field the description never mentions would pass unnoticed. (The
// description itself stays open, as JSON Schema intends, so that clients
// tolerate fields added later.)
func closeObjects(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(ref *openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
			no := false
			s.AdditionalProperties.Has = &no
		}
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.Items)
		walk(s.AdditionalProperties.Schema)
		for _, group := range []openapi3.SchemaRefs{s.AnyOf, s.OneOf, s.AllOf} {
			for _, sub := range group {
				walk(sub)
			}
		}
	}
	for _, sch := range doc.Components.Schemas {
		walk(sch)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, res := range op.Responses.Map() {
				if res.Value == nil {
					continue
				}
				for _, mt := range res.Value.Content {
					walk(mt.Schema)
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					walk(mt.Schema)
				}
			}
		}
	}
}

// checkContract validates one exchange; reqBody and resBody are the bytes
// sent and received.
func checkContract(t reporter, req *http.Request, reqBody []byte, res *http.Response, resBody []byte) {
	t.Helper()
	router := contractRouter(t)
	// CORS preflights and cross-origin refusals are the browser's protocol,
	// answered before any operation runs; the description has no operations
	// for them.
	if req.Header.Get("Origin") != "" && (req.Method == http.MethodOptions || res.Header.Get("Access-Control-Allow-Origin") == "") {
		return
	}
	// Request headers too large (431) are refused before routing, for every
	// path alike; the description states it once, in its HTTP section.
	if res.StatusCode == http.StatusRequestHeaderFieldsTooLarge {
		return
	}
	// Route lookup needs a request that still has its body.
	req = req.Clone(context.Background())
	req.Body = io.NopCloser(bytes.NewReader(reqBody))
	// HEAD is GET without the body (RFC 9110): the description lists only
	// GET, and the answer is checked but for its body.
	head := req.Method == http.MethodHead
	if head {
		req.Method = http.MethodGet
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		// Paths and methods the description does not have must not succeed.
		if res.StatusCode < 400 {
			t.Errorf("contract: %s %s answered %d but the description has no such operation: %v", req.Method, req.URL.Path, res.StatusCode, err)
		}
		return
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true, IncludeResponseStatus: true,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.EnableFormatValidation()}}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && res.StatusCode < 400 {
		t.Errorf("contract: %s %s was accepted (%d) but the description refuses the request: %v", req.Method, req.URL, res.StatusCode, err)
	}
	resOpts := *opts
	resOpts.ExcludeResponseBody = head
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Body: io.NopCloser(bytes.NewReader(resBody)), Options: &resOpts,
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("contract: the answer to %s %s does not match the description: %v\nbody: %.400s", req.Method, req.URL, err, strings.TrimSpace(string(resBody)))
	}
}

// failures counts what the contract check reports.
type failures struct{ n int }

func (f *failures) Helper()                   {}
func (f *failures) Errorf(string, ...any)     { f.n++ }
func (f *failures) Fatalf(s string, a ...any) { f.n++ }

// The check catches drift in both directions: an answer the description
// does not allow, and a request it refuses that the server accepted.
func TestContractCheckCatchesDrift(t *testing.T) {
	e := newEnv(t)
	send := func(method, path string, body string) (*http.Request, *http.Response, []byte) {
		req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+e.admin)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return req, res, b
	}
	for _, tc := range []struct {
		name    string
		method  string
		path    string
		body    string
		tamper  func(res *http.Response, body []byte) []byte
		wantBad bool
	}{
		{"a good exchange", "GET", "/api/v1/units/root", "", nil, false},
		{"a unit without its code", "GET", "/api/v1/units/root", "", func(_ *http.Response, b []byte) []byte {
			return []byte(strings.Replace(string(b), `"code"`, `"kode"`, 1))
		}, true},
		{"a unit with a field the description does not have", "GET", "/api/v1/units/root", "", func(_ *http.Response, b []byte) []byte {
			return []byte(strings.Replace(string(b), `{`, `{"secret":1,`, 1))
		}, true},
		{"a timestamp that is not RFC 3339", "GET", "/api/v1/units/root", "", func(_ *http.Response, b []byte) []byte {
			return []byte(strings.Replace(string(b), `"createdAt":"`, `"createdAt":"yesterday `, 1))
		}, true},
		{"a status the operation does not list", "GET", "/api/v1/units/root", "", func(res *http.Response, b []byte) []byte {
			res.StatusCode = 418
			return b
		}, true},
		{"a problem without its code", "GET", "/api/v1/units/nothere", "", func(_ *http.Response, b []byte) []byte {
			return []byte(strings.Replace(string(b), `"code"`, `"kode"`, 1))
		}, true},
		{"an accepted request the description refuses", "POST", "/api/v1/units", `{"level":"province","name":"Tỉnh X","code":"99"}`,
			func(res *http.Response, b []byte) []byte { res.StatusCode = 201; return b }, true},
		{"HEAD of a documented GET", "HEAD", "/api/v1/units/root", "", func(res *http.Response, _ []byte) []byte {
			res.StatusCode = 200
			return nil
		}, false},
		{"bad input on purpose, refused", "POST", "/api/v1/units", `{"level":"province","name":"Tỉnh X","code":"99"}`, nil, false},
		{"a path the description does not have, answered 200", "GET", "/api/v1/units/root", "", func(res *http.Response, b []byte) []byte {
			res.Request.URL.Path = "/api/v1/nowhere"
			return b
		}, true},
	} {
		req, res, body := send(tc.method, tc.path, tc.body)
		if tc.tamper != nil {
			res.Request = req
			body = tc.tamper(res, body)
			req = res.Request
		}
		var f failures
		checkContract(&f, req, []byte(tc.body), res, body)
		if bad := f.n > 0; bad != tc.wantBad {
			t.Errorf("%s: the check reported %d problems, want a failure: %v", tc.name, f.n, tc.wantBad)
		}
	}
}
