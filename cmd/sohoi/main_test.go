package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary run as the real sohoi command, so that the
// tests below can start, kill and restart a real server process without a
// separate build.
func TestMain(m *testing.M) {
	if os.Getenv("SOHOI_TEST_AS_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// proc is a sohoi server running as a child process.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	addr string
	logs *syncBuffer
}

// syncBuffer is a bytes.Buffer that the child's output can be copied into
// while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startServer(t *testing.T, env ...string) *proc {
	t.Helper()
	p := &proc{t: t, addr: freeAddr(t), logs: &syncBuffer{}}
	p.cmd = exec.Command(os.Args[0], "serve")
	p.cmd.Env = append(os.Environ(), append([]string{"SOHOI_TEST_AS_MAIN=1", "SOHOI_ADDR=" + p.addr}, env...)...)
	p.cmd.Stderr = p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); _ = p.cmd.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if r, err := http.Get("http://" + p.addr + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return p
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server did not become ready; logs:\n%s", p.logs)
	return nil
}

func (p *proc) call(method, path, token string, body any) (int, map[string]any) {
	p.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, "http://"+p.addr+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func (p *proc) login(user, pw string) string {
	p.t.Helper()
	status, out := p.call("POST", "/api/v1/auth/login", "", map[string]string{"username": user, "password": pw})
	if status != 200 {
		p.t.Fatalf("login %s: %d %v", user, status, out)
	}
	return out["accessToken"].(string)
}

func TestKill9AndRestartKeepEverything(t *testing.T) {
	dir := t.TempDir()
	env := []string{"SOHOI_DATA_DIR=" + dir, "SOHOI_ADMIN_PASSWORD=first-admin-password"}
	p := startServer(t, env...)
	admin := p.login("admin", "first-admin-password")
	status, prov := p.call("POST", "/api/v1/units", admin, map[string]string{"parentId": "root", "level": "province", "name": "Tỉnh Thái Bình", "code": "34"})
	if status != 201 {
		t.Fatal(status, prov)
	}
	status, _ = p.call("POST", "/api/v1/users", admin, map[string]any{"username": "chair", "password": "chair-password", "displayName": "Chủ tịch",
		"grants": []map[string]string{{"role": "editor", "unitId": prov["id"].(string)}}})
	if status != 201 {
		t.Fatal(status)
	}
	_, jwks := p.call("GET", "/.well-known/jwks.json", "", nil)

	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()

	// A different SOHOI_ADMIN_PASSWORD must not matter: the admin exists.
	q := startServer(t, "SOHOI_DATA_DIR="+dir, "SOHOI_ADMIN_PASSWORD=another-password")
	if status, _ := q.call("GET", "/api/v1/me", admin, nil); status != 200 {
		t.Fatalf("a token signed before the kill is refused after it (%d): the signing key was not kept", status)
	}
	_, jwks2 := q.call("GET", "/.well-known/jwks.json", "", nil)
	if fmt.Sprint(jwks) != fmt.Sprint(jwks2) {
		t.Fatalf("JWKS changed across the restart:\n%v\n%v", jwks, jwks2)
	}
	chair := q.login("chair", "chair-password")
	status, got := q.call("GET", "/api/v1/units/"+prov["id"].(string), chair, nil)
	if status != 200 || got["name"] != "Tỉnh Thái Bình" {
		t.Fatalf("unit after restart: %d %v", status, got)
	}
	if status, _ := q.call("GET", "/api/v1/units/root", chair, nil); status != 404 {
		t.Fatalf("the grant widened across the restart: %d", status)
	}
	q.login("admin", "first-admin-password")
}

func TestGracefulShutdown(t *testing.T) {
	p := startServer(t, "SOHOI_DATA_DIR="+t.TempDir())
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, p.logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not stop after SIGTERM")
	}
	logs := p.logs.String()
	for _, want := range []string{`"msg":"shutting down"`, `"msg":"stopped"`, `"request_id"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
	if !strings.Contains(logs, `"level":"WARN","msg":"created the first administrator with a generated password`) {
		t.Errorf("the generated admin password was not logged:\n%s", logs)
	}
}

// With no flags, seed units loads the tree in force from the data carried
// in the binary (34 provinces, 3,321 communes directly under them, no
// districts); a second run changes nothing.
func TestSeedUnitsWholeCountryIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"SOHOI_DATA_DIR": dir, "SOHOI_CLOSE_MONTHS": "false"}
	getenv := func(k string) string { return env[k] }
	var out, progress bytes.Buffer
	args := []string{"seed", "units"}
	if err := run(context.Background(), args, getenv, &out, &progress); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "3355 created, 0 renamed, 0 unchanged") {
		t.Fatalf("first seed: %s", out.String())
	}
	// Not a terminal: plain progress lines, the last one at the total.
	if !strings.Contains(progress.String(), "seeding units: 3355 of 3355 units (100%)\n") {
		t.Fatalf("progress:\n%s", progress.String())
	}
	out.Reset()
	if err := run(context.Background(), args, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "0 created, 0 renamed, 3355 unchanged") {
		t.Fatalf("second seed changed something: %s", out.String())
	}

	// Walk it over HTTP: 34 provinces, Hưng Yên (which took in Thái
	// Bình) with its communes directly under it.
	// The server, not the tool, makes the first administrator.
	p := startServer(t, "SOHOI_DATA_DIR="+dir, "SOHOI_ADMIN_PASSWORD=seed-admin-password")
	admin := p.login("admin", "seed-admin-password")
	children := func(id string) []map[string]any {
		var all []map[string]any
		cursor := ""
		for {
			status, body := p.call("GET", "/api/v1/units/"+id+"/children?limit=100&cursor="+cursor, admin, nil)
			if status != 200 {
				t.Fatalf("children of %s: %d %v", id, status, body)
			}
			for _, it := range body["items"].([]any) {
				all = append(all, it.(map[string]any))
			}
			next, _ := body["nextCursor"].(string)
			if next == "" {
				return all
			}
			cursor = next
		}
	}
	provinces := children("root")
	if len(provinces) != 34 {
		t.Fatalf("%d provinces", len(provinces))
	}
	var hungYen map[string]any
	for _, pr := range provinces {
		if pr["code"] == "33" {
			hungYen = pr
		}
	}
	if hungYen == nil || hungYen["name"] != "Tỉnh Hưng Yên" || hungYen["level"] != "province" {
		t.Fatalf("Hưng Yên: %v", hungYen)
	}
	communes := children(hungYen["id"].(string))
	if len(communes) < 100 || communes[0]["level"] != "commune" || len(communes[0]["ancestors"].([]any)) != 2 {
		t.Fatalf("%d communes: %v", len(communes), communes[0])
	}
}

// --tree 2025-03 loads the three-level tree from before the reform.
func TestSeedUnitsBeforeReform(t *testing.T) {
	env := map[string]string{"SOHOI_DATA_DIR": t.TempDir(), "SOHOI_ADMIN_PASSWORD": "seed-admin-password", "SOHOI_CLOSE_MONTHS": "false"}
	var out bytes.Buffer
	args := []string{"seed", "units", "--tree", "2025-03", "--province", "34"}
	if err := run(context.Background(), args, func(k string) string { return env[k] }, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	// Thái Bình, its 8 districts and 242 communes.
	if !strings.Contains(out.String(), "251 created, 0 renamed, 0 unchanged") {
		t.Fatalf("seed: %s", out.String())
	}
}
