package httpapi_test

import (
	"slices"
	"strings"
	"testing"
)

type user struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Version  int    `json:"version"`
	Grants   []struct {
		Role   string `json:"role"`
		UnitID string `json:"unitId"`
	} `json:"grants"`
}

func grantBody(username, role, unitID string) map[string]any {
	return map[string]any{"username": username, "password": "password-" + username, "displayName": "Trần Thị Bình",
		"grants": []map[string]string{{"role": role, "unitId": unitID}}}
}

func TestUserManagementStaysInScope(t *testing.T) {
	e := newEnv(t)
	p1 := e.mustUnit("root", "province", "34")
	d1 := e.mustUnit(p1.ID, "district", "336")
	p2 := e.mustUnit("root", "province", "33")
	mgr := e.mustUser("manager.34", "manager", p1.ID)
	e.mustUser("manager.33", "manager", p2.ID)

	t.Run("a manager cannot create an admin", func(t *testing.T) {
		e.expect(e.do("POST", "/api/v1/users", mgr, grantBody("new.admin", "admin", p1.ID)), 403, "forbidden")
	})
	t.Run("a manager cannot create a user outside its scope", func(t *testing.T) {
		r := e.expect(e.do("POST", "/api/v1/users", mgr, grantBody("new.33", "viewer", p2.ID)), 400, "validation_failed")
		if !strings.Contains(string(r.body), "grants[0].unitId") {
			t.Fatalf("%s", r.body)
		}
		e.expect(e.do("POST", "/api/v1/users", mgr, grantBody("new.root", "viewer", "root")), 400, "validation_failed")
	})
	var editor user
	t.Run("a manager creates managers and editors below it", func(t *testing.T) {
		e.expect(e.do("POST", "/api/v1/users", mgr, grantBody("manager.336", "manager", d1.ID)), 201)
		e.expect(e.do("POST", "/api/v1/users", mgr, grantBody("editor.336", "editor", d1.ID)), 201).decode(t, &editor)
		e.expect(e.do("POST", "/api/v1/users", mgr, grantBody("editor.336", "editor", d1.ID)), 409, "conflict")
	})
	t.Run("lists and reads show only the caller's scope", func(t *testing.T) {
		var body struct{ Items []user }
		e.expect(e.do("GET", "/api/v1/users", mgr, nil), 200).decode(t, &body)
		var names []string
		for _, u := range body.Items {
			names = append(names, u.Username)
		}
		if !slices.Equal(names, []string{"editor.336", "manager.336", "manager.34"}) {
			t.Fatalf("manager.34 sees %v", names)
		}
		var other struct{ Items []user }
		e.expect(e.do("GET", "/api/v1/users", e.admin, nil), 200).decode(t, &other)
		for _, u := range other.Items {
			if u.Username == "manager.33" {
				e.expect(e.do("GET", "/api/v1/users/"+u.ID, mgr, nil), 404, "not_found")
				e.expect(e.do("PATCH", "/api/v1/users/"+u.ID, mgr, map[string]string{"displayName": "x"}), 404)
				e.expect(e.do("DELETE", "/api/v1/users/"+u.ID, mgr, nil), 404)
			}
		}
		editorTok := e.login("editor.336", "password-editor.336")
		e.expect(e.do("GET", "/api/v1/users", editorTok, nil), 403, "forbidden")
	})
	t.Run("an account shared with another province is visible but not the other grant, and not manageable", func(t *testing.T) {
		var shared user
		e.expect(e.do("POST", "/api/v1/users", e.admin, map[string]any{"username": "shared", "password": "password-shared", "displayName": "Dùng chung",
			"grants": []map[string]string{{"role": "viewer", "unitId": d1.ID}, {"role": "viewer", "unitId": p2.ID}}}), 201).decode(t, &shared)
		var seen user
		e.expect(e.do("GET", "/api/v1/users/"+shared.ID, mgr, nil), 200).decode(t, &seen)
		if len(seen.Grants) != 1 || seen.Grants[0].UnitID != d1.ID {
			t.Fatalf("grants outside scope leaked: %+v", seen.Grants)
		}
		e.expect(e.do("PATCH", "/api/v1/users/"+shared.ID, mgr, map[string]string{"displayName": "x"}), 403, "forbidden")
		e.expect(e.do("DELETE", "/api/v1/users/"+shared.ID, mgr, nil), 403, "forbidden")
	})
	t.Run("grants change with If-Match; a demoted manager loses its powers at once", func(t *testing.T) {
		var m336 struct{ Items []user }
		e.expect(e.do("GET", "/api/v1/users?limit=500", mgr, nil), 200).decode(t, &m336)
		var target user
		for _, u := range m336.Items {
			if u.Username == "manager.336" {
				target = u
			}
		}
		tok := e.login("manager.336", "password-manager.336")
		e.expect(e.do("POST", "/api/v1/units", tok, map[string]string{"parentId": d1.ID, "level": "commune", "name": "Xã A", "code": "12437"}), 201)
		e.expect(e.do("PATCH", "/api/v1/users/"+target.ID, mgr, map[string]any{"grants": []map[string]string{{"role": "viewer", "unitId": d1.ID}}}, "If-Match", `"9"`), 412)
		e.expect(e.do("PATCH", "/api/v1/users/"+target.ID, mgr, map[string]any{"grants": []map[string]string{{"role": "viewer", "unitId": d1.ID}}}, "If-Match", `"1"`), 200)
		e.expect(e.do("POST", "/api/v1/units", tok, map[string]string{"parentId": d1.ID, "level": "commune", "name": "Xã B", "code": "12438"}), 403, "forbidden")
	})
	t.Run("people change their own password; nobody deletes themselves", func(t *testing.T) {
		tok := e.login("editor.336", "password-editor.336")
		e.expect(e.do("PATCH", "/api/v1/users/"+editor.ID, tok, map[string]string{
			"password": "a-new-password", "currentPassword": "password-editor.336"}), 200)
		fresh := e.login("editor.336", "a-new-password")
		e.expect(e.do("GET", "/api/v1/me", fresh, nil), 200)
		e.expect(e.do("DELETE", "/api/v1/users/"+editor.ID, mgr, nil), 204)
		e.expect(e.do("GET", "/api/v1/me", fresh, nil), 401, "unauthenticated")
		var me user
		e.expect(e.do("GET", "/api/v1/me", mgr, nil), 200).decode(t, &me)
		e.expect(e.do("DELETE", "/api/v1/users/"+me.ID, mgr, nil), 409, "conflict")
	})
	// A username is unique across the whole database, so a manager must
	// learn that one is taken; but a taken one outside the manager's scope
	// must answer exactly like one inside it, naming neither the other
	// account nor its units.
	t.Run("a username taken outside the manager's scope is a plain conflict", func(t *testing.T) {
		var other struct{ Items []user }
		e.expect(e.do("GET", "/api/v1/users?limit=500", e.admin, nil), 200).decode(t, &other)
		var outside user
		for _, u := range other.Items {
			if u.Username == "manager.33" {
				outside = u
			}
		}
		if outside.ID == "" {
			t.Fatal("manager.33 not found")
		}
		var in, out struct {
			Status int
			Code   string
			Detail string
			Errors []any
		}
		inside := e.expect(e.do("POST", "/api/v1/users", mgr, grantBody("manager.34", "viewer", d1.ID)), 409, "conflict")
		elsewhere := e.expect(e.do("POST", "/api/v1/users", mgr, grantBody("manager.33", "viewer", d1.ID)), 409, "conflict")
		inside.decode(t, &in)
		elsewhere.decode(t, &out)
		if strings.ReplaceAll(in.Detail, "manager.34", "manager.33") != out.Detail || in.Status != out.Status || len(out.Errors) != 0 {
			t.Fatalf("answers differ:\n%s\n%s", inside.body, elsewhere.body)
		}
		for _, secret := range []string{outside.ID, p2.ID, "Đơn vị 33"} {
			if strings.Contains(string(elsewhere.body), secret) {
				t.Fatalf("the conflict names %q: %s", secret, elsewhere.body)
			}
		}
	})
	t.Run("validation", func(t *testing.T) {
		r := e.expect(e.do("POST", "/api/v1/users", mgr, map[string]any{"username": "X", "password": "short", "grants": []any{}}), 400, "validation_failed")
		for _, f := range []string{`"username"`, `"password"`, `"grants"`} {
			if !strings.Contains(string(r.body), `"field":`+f) {
				t.Errorf("no error for %s: %s", f, r.body)
			}
		}
		e.expect(e.do("POST", "/api/v1/users", mgr, grantBody("bad.role", "owner", p1.ID)), 400, "validation_failed")
	})
}
