package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// server is a sohoi process the load test started (and stops at the end).
type server struct {
	cmd *exec.Cmd
}

// seedIfMissing makes the demonstration province when the data directory has
// no database yet: the 2025-03 tree (provinces, districts, communes) and
// count members in the province. An existing database is reused as it is.
func seedIfMissing(ctx context.Context, bin, dataDir, province string, count int, env []string) error {
	if _, err := os.Stat(filepath.Join(dataDir, "sohoi.db")); err == nil {
		logf("reusing the database in %s", dataDir)
		return nil
	}
	logf("seeding the 2025-03 tree and %d members in province %s into %s (1 M takes a few minutes)", count, province, dataDir)
	steps := [][]string{
		{"seed", "units", "--tree", "2025-03", "--data-dir", dataDir},
		{"seed", "members", "--province", province, "--count", fmt.Sprint(count), "--data-dir", dataDir, "--log-level", "warn"},
	}
	for _, args := range steps {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("sohoi %v: %w", args, err)
		}
	}
	return nil
}

// startServer runs `sohoi serve` on addr and waits until /readyz answers.
func startServer(ctx context.Context, bin, addr, dataDir string, env []string) (*server, error) {
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data-dir", dataDir, "--log-level", "warn")
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	s.stop()
	return nil, errors.New("the server did not become ready within 60 s")
}

func (s *server) pid() int { return s.cmd.Process.Pid }

// stop asks the server to finish (SIGTERM) and waits for it.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(40 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}
