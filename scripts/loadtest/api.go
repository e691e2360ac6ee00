package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// client talks to the server's API as one user. Access tokens are renewed by
// logging in again when the server answers 401, so a run longer than the
// token lifetime keeps going.
type client struct {
	base     string
	http     *http.Client
	username string
	password string

	mu    sync.RWMutex
	token string
}

// apiError is an answer outside 2xx.
type apiError struct {
	Status int
	Body   string
}

func (e *apiError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.Status, e.Body) }

func (c *client) login(ctx context.Context) error {
	var tp struct {
		AccessToken string `json:"accessToken"`
	}
	body := map[string]string{"username": c.username, "password": c.password}
	if _, err := c.send(ctx, http.MethodPost, "/api/v1/auth/login", body, &tp, false); err != nil {
		return fmt.Errorf("logging in %s: %w", c.username, err)
	}
	c.mu.Lock()
	c.token = tp.AccessToken
	c.mu.Unlock()
	return nil
}

// do sends one request and decodes a JSON answer into out (when not nil). It
// returns the HTTP status; a status outside 2xx is an *apiError.
func (c *client) do(ctx context.Context, method, path string, in, out any) (int, error) {
	status, err := c.send(ctx, method, path, in, out, true)
	if status == http.StatusUnauthorized {
		if lerr := c.login(ctx); lerr != nil {
			return status, lerr
		}
		status, err = c.send(ctx, method, path, in, out, true)
	}
	return status, err
}

func (c *client) send(ctx context.Context, method, path string, in, out any, auth bool) (int, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return 0, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth {
		c.mu.RLock()
		req.Header.Set("Authorization", "Bearer "+c.token)
		c.mu.RUnlock()
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		return resp.StatusCode, &apiError{Status: resp.StatusCode, Body: strings.TrimSpace(string(b))}
	}
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, err
	}
	return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
}

// unit is the part of a unit the load test needs.
type unit struct {
	ID    string `json:"id"`
	Code  string `json:"code"`
	Level string `json:"level"`
	Name  string `json:"name"`
}

// children lists every child of a unit, page by page.
func (c *client) children(ctx context.Context, id string) ([]unit, error) {
	var all []unit
	cursor := ""
	for {
		var page struct {
			Items      []unit `json:"items"`
			NextCursor string `json:"nextCursor"`
		}
		path := "/api/v1/units/" + id + "/children?limit=500"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		if _, err := c.do(ctx, http.MethodGet, path, nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all, nil
		}
		cursor = page.NextCursor
	}
}

// grant is a role on a unit and its subtree.
type grant struct {
	Role   string `json:"role"`
	UnitID string `json:"unitId"`
}

// ensureUser creates a user as the admin; a username already taken (a
// previous run) is reused, with the same password.
func (c *client) ensureUser(ctx context.Context, username, password string, grants []grant) error {
	body := map[string]any{
		"username":    username,
		"password":    password,
		"displayName": "load test " + username,
		"grants":      grants,
	}
	status, err := c.do(ctx, http.MethodPost, "/api/v1/users", body, nil)
	if status == http.StatusConflict {
		return nil
	}
	return err
}
