package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/logging"
	"github.com/sohoi/sohoi/internal/store/sqlite"
	"github.com/sohoi/sohoi/internal/unitpath"
)

const adminPassword = "admin-password-1"

// env is a real sohoi over real HTTP on a fresh embedded store.
type env struct {
	t     *testing.T
	app   *app.Server
	eng   interface{ Routes() gin.RoutesInfo }
	srv   *httptest.Server
	admin string // the bootstrap admin's access token
}

type appConfig = app.Config

func newEnv(t *testing.T, mutate ...func(*app.Config)) *env {
	t.Helper()
	return newEnvOn(t, nil, mutate...)
}

// newEnvOn is newEnv on the embedded store wrapped by wrapStore (nil: as is).
func newEnvOn(t *testing.T, wrapStore func(app.Store) app.Store, mutate ...func(*app.Config)) *env {
	t.Helper()
	cfg := app.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.AdminPassword = adminPassword
	cfg.CloseMonths = false // a background job would make failure injection racy; see TestCloseMonth
	for _, m := range mutate {
		m(&cfg)
	}
	logOut := io.Discard
	if os.Getenv("SOHOI_TEST_LOG") != "" {
		logOut = os.Stderr
	}
	var a *app.Server
	var err error
	if wrapStore == nil {
		a, err = app.New(context.Background(), cfg, logging.New(logOut, "debug"))
	} else {
		var db *sqlite.DB
		if db, err = sqlite.Open(context.Background(), cfg.DataDir); err != nil {
			t.Fatal(err)
		}
		a, err = app.Build(context.Background(), cfg, logging.New(logOut, "debug"), wrapStore(db))
	}
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, app: a, srv: httptest.NewServer(a.Handler), eng: a.Handler.(*gin.Engine)}
	t.Cleanup(func() { e.srv.Close(); a.Close() })
	e.admin = e.login("admin", adminPassword)
	return e
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r *resp) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

// code is the problem+json code of an error answer.
func (r *resp) code() string {
	var p struct{ Code string }
	_ = json.Unmarshal(r.body, &p)
	return p.Code
}

// do sends a request; body may be nil, a string (sent as is) or a value
// (sent as JSON); headers come in name, value pairs.
func (e *env) do(method, path, token string, body any, headers ...string) *resp {
	e.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		raw = buf
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	checkContract(e.t, req, raw, res, b)
	return &resp{status: res.StatusCode, header: res.Header, body: b}
}

// expect fails unless r has the status (and, for errors, the code).
func (e *env) expect(r *resp, status int, code ...string) *resp {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("status %d, want %d: %.500s", r.status, status, r.body)
	}
	if len(code) > 0 && r.code() != code[0] {
		e.t.Fatalf("code %q, want %q: %.500s", r.code(), code[0], r.body)
	}
	return r
}

type tokens struct {
	AccessToken  string `json:"accessToken"`
	TokenType    string `json:"tokenType"`
	ExpiresIn    int    `json:"expiresIn"`
	RefreshToken string `json:"refreshToken"`
}

func (e *env) loginPair(username, password string) tokens {
	e.t.Helper()
	var tk tokens
	e.expect(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": username, "password": password}), 200).decode(e.t, &tk)
	return tk
}

func (e *env) login(username, password string) string {
	return e.loginPair(username, password).AccessToken
}

type unit struct {
	ID        string   `json:"id"`
	ParentID  string   `json:"parentId"`
	Level     string   `json:"level"`
	Name      string   `json:"name"`
	Code      string   `json:"code"`
	Ancestors []string `json:"ancestors"`
	Status    string   `json:"status"`
	Version   int      `json:"version"`
}

// path is the unit's ancestors and itself, as the stores name a unit.
func (u unit) path() unitpath.Path {
	return append(unitpath.Path(slices.Clone(u.Ancestors)), u.ID)
}

func (e *env) mustUnit(parentID, level, code string) unit {
	e.t.Helper()
	var u unit
	e.expect(e.do("POST", "/api/v1/units", e.admin, map[string]string{
		"parentId": parentID, "level": level, "name": "Đơn vị " + code, "code": code}), 201).decode(e.t, &u)
	return u
}

// mustUser creates a user with one grant and returns its access token.
func (e *env) mustUser(username, role, unitID string) string {
	e.t.Helper()
	e.expect(e.do("POST", "/api/v1/users", e.admin, map[string]any{
		"username": username, "password": "password-" + username, "displayName": username,
		"grants": []map[string]string{{"role": role, "unitId": unitID}}}), 201)
	return e.login(username, "password-"+username)
}

func (e *env) engineRoutes() gin.RoutesInfo { return e.eng.Routes() }
