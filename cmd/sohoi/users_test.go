package main

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// runCLI runs the real sohoi command with env and returns its output and
// whether it succeeded.
func runCLI(t *testing.T, env []string, args ...string) (stdout, stderr string, ok bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), append([]string{"SOHOI_TEST_AS_MAIN=1"}, env...)...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil {
		if _, exited := err.(*exec.ExitError); !exited {
			t.Fatal(err)
		}
	}
	return out.String(), errOut.String(), err == nil
}

// A lost administrator password is reset on the server machine while the
// server runs: the new password works at once, the old one does not, and
// every login of the account (its access tokens too) has ended.
func TestUsersResetPassword(t *testing.T) {
	dir := t.TempDir()
	env := []string{"SOHOI_DATA_DIR=" + dir, "SOHOI_ADMIN_PASSWORD=admin-password-1", "SOHOI_CLOSE_MONTHS=false"}
	p := startServer(t, env...)
	old := p.login("admin", "admin-password-1")
	if status, _ := p.call("GET", "/api/v1/me", old, nil); status != 200 {
		t.Fatalf("before: %d", status)
	}

	stdout, stderr, ok := runCLI(t, env, "users", "reset-password", "admin")
	if !ok {
		t.Fatalf("reset-password failed:\n%s%s", stdout, stderr)
	}
	m := regexp.MustCompile(`(?m)^new password \(shown only now; change it after signing in\): (\S{20,})$`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no new password printed:\n%s", stdout)
	}
	if status, _ := p.call("GET", "/api/v1/me", old, nil); status != 401 {
		t.Fatalf("an access token of the old password still works: %d", status)
	}
	if status, _ := p.call("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "admin-password-1"}); status != 401 {
		t.Fatalf("the old password still signs in: %d", status)
	}
	fresh := p.login("admin", m[1])
	if status, _ := p.call("GET", "/api/v1/me", fresh, nil); status != 200 {
		t.Fatalf("with the new password: %d", status)
	}

	for name, args := range map[string][]string{
		"unknown user": {"users", "reset-password", "nobody"},
		"no username":  {"users", "reset-password"},
		"no command":   {"users"},
	} {
		stdout, stderr, ok := runCLI(t, env, args...)
		if ok || strings.Contains(stdout, "new password") {
			t.Errorf("%s: succeeded:\n%s%s", name, stdout, stderr)
		}
	}
	// a failed attempt changed nothing
	p.login("admin", m[1])
}
