package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// apiClient is what import and export need of the API: a server, a
// bearer token, and problem+json errors said plainly.
type apiClient struct {
	server string // e.g. http://localhost:8080, no trailing slash
	token  string
	http   *http.Client
}

// clientFlags are the flags of the commands that are clients of a server.
type clientFlags struct {
	server *string
}

func addClientFlags(c *command, getenv func(string) string) clientFlags {
	server := getenv("SOHOI_SERVER")
	if server == "" {
		server = "http://localhost:8080"
	}
	return clientFlags{server: c.fs.String("server", server, "the sohoi server's URL (SOHOI_SERVER)")}
}

// connect makes the client: the token is SOHOI_TOKEN, else, on a
// terminal, the user signs in with a username and password prompted for.
func (f clientFlags) connect(ctx context.Context, getenv func(string) string, stderr io.Writer) (*apiClient, error) {
	c := &apiClient{server: strings.TrimRight(*f.server, "/"), http: &http.Client{Timeout: 10 * time.Minute}}
	if !strings.HasPrefix(c.server, "http://") && !strings.HasPrefix(c.server, "https://") {
		return nil, usageErrorf("--server must be an http:// or https:// URL, not %q", *f.server)
	}
	if c.token = strings.TrimSpace(getenv("SOHOI_TOKEN")); c.token != "" {
		return c, nil
	}
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return nil, errors.New("no access token: set SOHOI_TOKEN (the accessToken of POST /api/v1/auth/login), or run on a terminal to sign in")
	}
	fmt.Fprintf(stderr, "sign in to %s\nusername: ", c.server)
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("reading the username: %w", err)
	}
	fmt.Fprint(stderr, "password: ")
	pw, err := term.ReadPassword(int(os.Stdin.Fd()))
	fmt.Fprintln(stderr)
	if err != nil {
		return nil, fmt.Errorf("reading the password: %w", err)
	}
	var tok struct {
		AccessToken string `json:"accessToken"`
	}
	body, _ := json.Marshal(map[string]string{"username": strings.TrimSpace(line), "password": string(pw)})
	if err := c.do(ctx, "POST", "/api/v1/auth/login", "application/json", bytes.NewReader(body), nil, &tok); err != nil {
		return nil, err
	}
	c.token = tok.AccessToken
	return c, nil
}

// problemError is an error answer of the API.
type problemError struct {
	Status int
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func (p *problemError) Error() string {
	msg := fmt.Sprintf("the server answered %d", p.Status)
	if p.Code != "" {
		msg += " " + p.Code
	}
	if p.Detail != "" {
		msg += ": " + p.Detail
	}
	for _, e := range p.Errors {
		msg += fmt.Sprintf("; %s %s", e.Field, e.Message)
	}
	return msg
}

// retryable says whether a request may be sent again as it is: the
// server failed or was busy, or (with an Idempotency-Key) the first try
// is still running.
func (p *problemError) retryable() bool {
	return p.Status >= 500 || p.Status == http.StatusConflict && p.Code == "conflict"
}

// send sends a request and returns the answer when it is a success;
// else a problemError. headers come in name, value pairs.
func (c *apiClient) send(ctx context.Context, method, path, ctype string, body io.Reader, headers []string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.server+path, body)
	if err != nil {
		return nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode < 300 {
		return res, nil
	}
	defer res.Body.Close()
	p := &problemError{Status: res.StatusCode}
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if json.Unmarshal(raw, p) != nil && len(raw) > 0 {
		p.Detail = strings.TrimSpace(string(raw))
	}
	return nil, p
}

// do sends a request and decodes a JSON answer into out (nil: none).
func (c *apiClient) do(ctx context.Context, method, path, ctype string, body io.Reader, headers []string, out any) error {
	res, err := c.send(ctx, method, path, ctype, body, headers)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if out == nil {
		_, err = io.Copy(io.Discard, res.Body)
		return err
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return fmt.Errorf("reading the answer to %s %s: %w", method, path, err)
	}
	return nil
}

// download saves the answer of a GET to a file, through a temporary file
// beside it so that a broken transfer leaves no half file; to is "-" for
// stdout, "" for the name the server gives (Content-Disposition) in the
// current directory. It returns the path written.
func (c *apiClient) download(ctx context.Context, path, to string, stdout io.Writer) (string, error) {
	res, err := c.send(ctx, "GET", path, "", nil, nil)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	if to == "-" {
		_, err := io.Copy(stdout, res.Body)
		return "-", err
	}
	if to == "" {
		to = attachmentName(res.Header.Get("Content-Disposition"))
		if to == "" {
			return "", errors.New("the server named no file: give -o FILE")
		}
	}
	tmp, err := os.CreateTemp(dirOf(to), ".sohoi-download-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, res.Body); err != nil {
		tmp.Close()
		return "", fmt.Errorf("downloading %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	return to, os.Rename(tmp.Name(), to)
}

func dirOf(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[:i+1]
	}
	return "."
}
