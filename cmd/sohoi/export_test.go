package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/civil"
	"github.com/sohoi/sohoi/internal/imports"
	"github.com/sohoi/sohoi/internal/logging"
)

// apiCall sends a JSON request to a test server and decodes the answer.
func apiCall(t *testing.T, srv *httptest.Server, method, path, token string, body, out any) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, srv.URL+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatal(err)
		}
	}
}

// sohoi export against a real server: the roll of a commune, in the
// official order, saved under the server's file name or -o, and read
// back by the import as the members stored.
func TestExportCommand(t *testing.T) {
	cfg := app.Defaults()
	cfg.DataDir, cfg.AdminPassword, cfg.CloseMonths = t.TempDir(), "export-admin-password", false
	a, err := app.New(context.Background(), cfg, logging.New(io.Discard, "error"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(func() { srv.Close(); a.Close() })
	var tok struct {
		AccessToken string `json:"accessToken"`
	}
	apiCall(t, srv, "POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": cfg.AdminPassword}, &tok)
	var prov, comm, branch struct {
		ID string `json:"id"`
	}
	apiCall(t, srv, "POST", "/api/v1/units", tok.AccessToken, map[string]string{"parentId": "root", "level": "province", "name": "Tỉnh Hưng Yên", "code": "33"}, &prov)
	apiCall(t, srv, "POST", "/api/v1/units", tok.AccessToken, map[string]string{"parentId": prov.ID, "level": "commune", "name": "Xã Hồng Lý", "code": "HL"}, &comm)
	apiCall(t, srv, "POST", "/api/v1/units", tok.AccessToken, map[string]string{"parentId": comm.ID, "level": "branch", "name": "Chi hội Phú Mỹ", "code": "PM"}, &branch)
	for _, m := range []map[string]string{
		{"fullName": "Trần Thị Hoa", "gender": "female", "birthDate": "1960-05-19", "nationalId": "034160000001"},
		{"fullName": "Nguyễn Văn An", "gender": "male", "phone": "0912345678"},
		{"fullName": "Lê Văn Bình", "joinedOn": "2020-03-01", "memberNo": "PM-7"},
	} {
		apiCall(t, srv, "POST", "/api/v1/units/"+branch.ID+"/members", tok.AccessToken, m, nil)
	}

	env := map[string]string{"SOHOI_TOKEN": tok.AccessToken, "SOHOI_SERVER": srv.URL}
	getenv := func(k string) string { return env[k] }
	dir := t.TempDir()
	t.Chdir(dir)
	for _, format := range []string{"csv", "xlsx"} {
		var out strings.Builder
		if err := run(context.Background(), []string{"export", "--unit", comm.ID, "--format", format}, getenv, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		name := "hoi-vien-HL-" + civil.Today(time.Now()).String() + "." + format
		if !strings.Contains(out.String(), "wrote "+name) {
			t.Errorf("stdout: %s", out.String())
		}
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		tab, err := imports.NewTable(mustOpen(t, raw), nil, civil.Today(time.Now()))
		if err != nil {
			t.Fatal(err)
		}
		for {
			p, err := tab.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil || !p.OK() || p.Branch.Text != "PM" {
				t.Fatalf("row %+v, %v", p, err)
			}
			names = append(names, p.Input.FullName)
		}
		// The official order: by given name.
		if got := strings.Join(names, ", "); got != "Nguyễn Văn An, Lê Văn Bình, Trần Thị Hoa" {
			t.Errorf("%s: %s", format, got)
		}
	}
	// -o - writes to stdout; a unit the server does not know fails (exit 1).
	var out strings.Builder
	if err := run(context.Background(), []string{"export", "--unit", branch.ID, "-o", "-"}, getenv, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "\ufeffSTT,Họ và tên") || strings.Count(out.String(), "\r\n") != 4 {
		t.Errorf("stdout: %q", out.String())
	}
	err = run(context.Background(), []string{"export", "--unit", "0000000000000000", "-o", "x.csv"}, getenv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "404 not_found") || exitCode(err) != 1 {
		t.Errorf("unknown unit: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.csv")); !os.IsNotExist(err) {
		t.Errorf("a failed export left a file: %v", err)
	}
}

func mustOpen(t *testing.T, raw []byte) imports.Source {
	t.Helper()
	src, err := imports.Open(bytes.NewReader(raw), imports.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return src
}
