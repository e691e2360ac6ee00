package httpapi_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// withoutRequestID is a problem body with its requestId removed.
func withoutRequestID(t *testing.T, r *resp) map[string]any {
	t.Helper()
	var p map[string]any
	r.decode(t, &p)
	delete(p, "requestId")
	return p
}

// sameNotFound fails unless both answers are 404 with bodies equal but for
// the request id.
func sameNotFound(t *testing.T, what string, missing, elsewhere *resp) {
	t.Helper()
	if missing.status != 404 || elsewhere.status != 404 {
		t.Errorf("%s: missing %d, out of scope %d; want 404 both\n%s\n%s", what, missing.status, elsewhere.status, missing.body, elsewhere.body)
		return
	}
	a, b := withoutRequestID(t, missing), withoutRequestID(t, elsewhere)
	if !reflect.DeepEqual(a, b) {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		t.Errorf("%s: a missing and an out-of-scope object answer differently:\nmissing:      %s\nout of scope: %s", what, ja, jb)
	}
}

// A caller cannot tell a unit, member, officer or user that does not exist
// from one in another subtree: every route answers the same 404 body.
func TestNotFoundIsTheSameForMissingAndOutOfScope(t *testing.T) {
	r := newRoll(t)
	e := r.e
	mgr := e.mustUser("manager.34", "manager", r.prov.ID)
	inC := r.add(e.admin, r.c, map[string]any{"fullName": "Phạm Văn Xa"})
	var postC struct{ ID string }
	e.expect(e.do("POST", "/api/v1/units/"+r.c.ID+"/officers", e.admin,
		map[string]any{"fullName": "Đỗ Văn Xa", "position": "chair", "from": "2024-01-01"}), 201).decode(t, &postC)
	var users struct {
		Items []struct{ ID, Username string }
	}
	e.mustUser("viewer.33", "viewer", r.c.ID)
	e.expect(e.do("GET", "/api/v1/users?limit=500", e.admin, nil), 200).decode(t, &users)
	userC := ""
	for _, u := range users.Items {
		if u.Username == "viewer.33" {
			userC = u.ID
		}
	}

	const ghost = "06h3vvvvvvvvvvvv" // a well-formed id of nothing
	member := map[string]any{"fullName": "Nguyễn Văn An"}
	unitRoutes := []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/units/{id}", nil},
		{"PATCH", "/api/v1/units/{id}", map[string]any{"name": "Tên mới"}},
		{"GET", "/api/v1/units/{id}/children", nil},
		{"GET", "/api/v1/units/{id}/rollup", nil},
		{"GET", "/api/v1/units/{id}/reports/period?from=2025-01-01&to=2025-06-30", nil},
		{"POST", "/api/v1/units/{id}/members", member},
		{"GET", "/api/v1/units/{id}/members", nil},
		{"GET", "/api/v1/units/{id}/officers", nil},
		{"POST", "/api/v1/units/{id}/officers", map[string]any{"fullName": "Lê Văn Bốn", "position": "chair", "from": "2024-01-01"}},
		{"POST", "/api/v1/units", map[string]any{"parentId": "{id}", "level": "branch", "name": "Chi hội", "code": "X1"}},
	}
	with := func(body any, id string) any {
		if m, ok := body.(map[string]any); ok && m["parentId"] == "{id}" {
			c := map[string]any{}
			for k, v := range m {
				c[k] = v
			}
			c["parentId"] = id
			return c
		}
		return body
	}
	for _, rt := range unitRoutes {
		for _, missingID := range []string{ghost, "not-an-id"} {
			missing := e.do(rt.method, strings.ReplaceAll(rt.path, "{id}", missingID), mgr, with(rt.body, missingID))
			elsewhere := e.do(rt.method, strings.ReplaceAll(rt.path, "{id}", r.c.ID), mgr, with(rt.body, r.c.ID))
			sameNotFound(t, rt.method+" "+rt.path+" ("+missingID+")", missing, elsewhere)
		}
	}
	objectRoutes := []struct {
		method, path, elsewhere string
		body                    any
	}{
		{"GET", "/api/v1/members/{id}", inC.ID, nil},
		{"PATCH", "/api/v1/members/{id}", inC.ID, map[string]any{"phone": "0912345678"}},
		{"GET", "/api/v1/members/{id}/history", inC.ID, nil},
		{"POST", "/api/v1/members/{id}/transfer", inC.ID, map[string]any{"toBranchId": r.a.ID, "on": "2025-01-01"}},
		{"POST", "/api/v1/members/{id}/leave", inC.ID, map[string]any{"status": "left", "on": "2025-01-01"}},
		{"GET", "/api/v1/officers/{id}", postC.ID, nil},
		{"PATCH", "/api/v1/officers/{id}", postC.ID, map[string]any{"termLabel": "2022-2027"}},
		{"DELETE", "/api/v1/officers/{id}", postC.ID, nil},
		{"GET", "/api/v1/users/{id}", userC, nil},
		{"PATCH", "/api/v1/users/{id}", userC, map[string]any{"displayName": "Tên khác"}},
		{"DELETE", "/api/v1/users/{id}", userC, nil},
	}
	for _, rt := range objectRoutes {
		for _, missingID := range []string{ghost, "not-an-id"} {
			missing := e.do(rt.method, strings.ReplaceAll(rt.path, "{id}", missingID), mgr, rt.body)
			elsewhere := e.do(rt.method, strings.ReplaceAll(rt.path, "{id}", rt.elsewhere), mgr, rt.body)
			sameNotFound(t, rt.method+" "+rt.path+" ("+missingID+")", missing, elsewhere)
		}
	}
}
