package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/members"
)

// count is how many items a list answer holds (one page).
func (e *env) count(path, token string) int {
	e.t.Helper()
	var l struct {
		Items []json.RawMessage `json:"items"`
	}
	e.expect(e.do("GET", path, token, nil), 200).decode(e.t, &l)
	return len(l.Items)
}

// A retried create with the same Idempotency-Key answers the first
// answer again (status, body, Location, ETag) and creates nothing, for
// members, units and officers alike.
func TestIdempotentCreatesReplay(t *testing.T) {
	e := newEnv(t)
	prov := e.mustUnit("root", "province", "34")
	branch := e.mustUnit(prov.ID, "branch", "B1")
	for _, tc := range []struct {
		name, path, list string
		body             map[string]any
	}{
		{"member", "/api/v1/units/" + branch.ID + "/members", "/api/v1/units/" + branch.ID + "/members",
			map[string]any{"fullName": "Nguyễn Văn An", "birthDate": "1980-01-02"}},
		{"unit", "/api/v1/units", "/api/v1/units/" + prov.ID + "/children",
			map[string]any{"parentId": prov.ID, "level": "commune", "name": "Xã Hồng Lý", "code": "13195"}},
		{"officer", "/api/v1/units/" + prov.ID + "/officers", "/api/v1/units/" + prov.ID + "/officers",
			map[string]any{"fullName": "Trần Thị Hoa", "position": "committee", "from": "2022-07-02"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := e.count(tc.list, e.admin)
			key := "key-" + tc.name
			first := e.expect(e.do("POST", tc.path, e.admin, tc.body, "Idempotency-Key", key), 201)
			again := e.expect(e.do("POST", tc.path, e.admin, tc.body, "Idempotency-Key", key), 201)
			if !bytes.Equal(first.body, again.body) {
				t.Errorf("replayed body %s, first %s", again.body, first.body)
			}
			for _, h := range []string{"Location", "ETag", "Content-Type"} {
				if first.header.Get(h) == "" || again.header.Get(h) != first.header.Get(h) {
					t.Errorf("%s: first %q, replayed %q", h, first.header.Get(h), again.header.Get(h))
				}
			}
			if first.header.Get("Idempotent-Replayed") != "" || again.header.Get("Idempotent-Replayed") != "true" {
				t.Errorf("Idempotent-Replayed: first %q, again %q", first.header.Get("Idempotent-Replayed"), again.header.Get("Idempotent-Replayed"))
			}
			if n := e.count(tc.list, e.admin); n != before+1 {
				t.Errorf("%d created, want 1", n-before)
			}
			// Without a key, the same body is a new request.
			if tc.name == "officer" {
				e.expect(e.do("POST", tc.path, e.admin, tc.body), 201)
				if n := e.count(tc.list, e.admin); n != before+2 {
					t.Errorf("a create without a key made %d", n-before-1)
				}
			}
		})
	}
}

// The same key with another body, path or method is 422 and changes
// nothing; another user's key of the same name is their own; a key that
// is not 1-255 visible ASCII characters is 400.
func TestIdempotencyKeyReusedAndOwned(t *testing.T) {
	e := newEnv(t)
	prov := e.mustUnit("root", "province", "34")
	b1 := e.mustUnit(prov.ID, "branch", "B1")
	b2 := e.mustUnit(prov.ID, "branch", "B2")
	path := "/api/v1/units/" + b1.ID + "/members"
	e.expect(e.do("POST", path, e.admin, map[string]any{"fullName": "Nguyễn Văn An"}, "Idempotency-Key", "k1"), 201)
	r := e.expect(e.do("POST", path, e.admin, map[string]any{"fullName": "Nguyễn Văn Bình"}, "Idempotency-Key", "k1"), 422, "idempotency_key_reused")
	if r.header.Get("Idempotent-Replayed") != "" {
		t.Error("a refusal is not a replay")
	}
	e.expect(e.do("POST", "/api/v1/units/"+b2.ID+"/members", e.admin, map[string]any{"fullName": "Nguyễn Văn An"}, "Idempotency-Key", "k1"), 422, "idempotency_key_reused")
	if n := e.count(path, e.admin) + e.count("/api/v1/units/"+b2.ID+"/members", e.admin); n != 1 {
		t.Fatalf("%d members, want 1", n)
	}
	editor := e.mustUser("editor", "editor", prov.ID)
	e.expect(e.do("POST", path, editor, map[string]any{"fullName": "Nguyễn Văn An"}, "Idempotency-Key", "k1"), 201)
	if n := e.count(path, e.admin); n != 2 {
		t.Fatalf("another user's key: %d members, want 2", n)
	}
	for _, bad := range []string{"", "has space", strings.Repeat("k", 256), "clé"} {
		r := e.expect(e.do("POST", path, e.admin, map[string]any{"fullName": "Lê Văn Cường"}, "Idempotency-Key", bad), 400, "validation_failed")
		if !bytes.Contains(r.body, []byte(`"field":"Idempotency-Key"`)) {
			t.Errorf("key %q: %s", bad, r.body)
		}
	}
	// A body over the limit is refused as without a key, read no further.
	huge := `{"fullName":"` + strings.Repeat("a", 2<<20) + `"}`
	e.expect(e.do("POST", path, e.admin, huge, "Idempotency-Key", "k-huge"), 413, "payload_too_large")
	// A refusal of the request itself (400) is kept like any answer: the
	// same request again is refused again, from the kept answer.
	bad := map[string]any{"fullName": ""}
	first := e.expect(e.do("POST", path, e.admin, bad, "Idempotency-Key", "k2"), 400)
	again := e.expect(e.do("POST", path, e.admin, bad, "Idempotency-Key", "k2"), 400)
	if again.header.Get("Idempotent-Replayed") != "true" || again.header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("replayed refusal: %v %s / %s", again.header, again.body, first.body)
	}
	if n := e.count(path, e.admin); n != 2 {
		t.Fatalf("%d members, want 2", n)
	}
}

// Twenty concurrent requests with one key create one member, and every
// one of them answers that member.
func TestIdempotencyKeyConcurrentRetriesCreateOnce(t *testing.T) {
	e := newEnv(t)
	prov := e.mustUnit("root", "province", "34")
	branch := e.mustUnit(prov.ID, "branch", "B1")
	path := "/api/v1/units/" + branch.ID + "/members"
	body := []byte(`{"fullName":"Nguyễn Văn An","birthDate":"1980-01-02"}`)
	var wg sync.WaitGroup
	ids := make(chan string, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", e.srv.URL+path, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+e.admin)
			req.Header.Set("Idempotency-Key", "together")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			raw, _ := io.ReadAll(res.Body)
			var m struct {
				ID string `json:"id"`
			}
			if res.StatusCode != 201 || json.Unmarshal(raw, &m) != nil {
				t.Errorf("status %d: %s", res.StatusCode, raw)
				return
			}
			ids <- m.ID
		}()
	}
	wg.Wait()
	close(ids)
	seen := map[string]int{}
	for id := range ids {
		seen[id]++
	}
	if len(seen) != 1 {
		t.Errorf("answers name %d members: %v", len(seen), seen)
	}
	if n := e.count(path, e.admin); n != 1 {
		t.Fatalf("%d members created, want 1", n)
	}
}

// failOnce fails the first member create with a server error.
type failOnce struct {
	app.Store
	failed atomic.Bool
}

func (s *failOnce) CreateMember(ctx context.Context, m *members.Member, ev *members.Event) error {
	if s.failed.CompareAndSwap(false, true) {
		return errors.New("the disk hiccupped")
	}
	return s.Store.CreateMember(ctx, m, ev)
}

// A server error is not kept: the retry with the key runs again and
// creates; the one after that is the replay.
func TestIdempotencyKeyAfterAServerErrorRunsAgain(t *testing.T) {
	e := newEnvOn(t, func(s app.Store) app.Store { return &failOnce{Store: s} })
	prov := e.mustUnit("root", "province", "34")
	branch := e.mustUnit(prov.ID, "branch", "B1")
	path := "/api/v1/units/" + branch.ID + "/members"
	body := map[string]any{"fullName": "Nguyễn Văn An"}
	e.expect(e.do("POST", path, e.admin, body, "Idempotency-Key", "k"), 500, "internal")
	first := e.expect(e.do("POST", path, e.admin, body, "Idempotency-Key", "k"), 201)
	again := e.expect(e.do("POST", path, e.admin, body, "Idempotency-Key", "k"), 201)
	if first.header.Get("Idempotent-Replayed") != "" || again.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(first.body, again.body) {
		t.Errorf("after the 500: first %s, again %s", first.body, again.body)
	}
	if n := e.count(path, e.admin); n != 1 {
		t.Fatalf("%d members, want 1", n)
	}
}
