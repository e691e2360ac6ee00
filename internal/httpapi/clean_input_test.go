package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
)

// fieldsOf are the fields named by a validation problem.
func fieldsOf(t *testing.T, r *resp) []string {
	t.Helper()
	var p struct {
		Errors []struct{ Field string } `json:"errors"`
	}
	r.decode(t, &p)
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

// Names and free text refuse control characters, bidirectional controls
// and invisible characters with a field error, and nothing is stored.
func TestControlAndInvisibleCharactersAreRefused(t *testing.T) {
	r := newRoll(t)
	e := r.e
	m := r.add(r.chairA, r.a, map[string]any{"fullName": "Nguyễn Văn An", "joinedOn": "2020-01-01"})
	var o officer
	e.expect(e.do("POST", "/api/v1/units/"+r.a.ID+"/officers", e.admin,
		map[string]any{"fullName": "Lê Thị Hoa", "position": "chair", "from": "2024-01-01"}), 201).decode(t, &o)

	bad := map[string]string{
		"NUL": "An\x00", "BEL": "An\a", "line break": "An\nBình", "tab": "An\tBình", "RLO U+202E": "An\u202Egpj.exe",
		"LRI U+2066": "An\u2066x", "ZWSP U+200B": "An\u200BBình", "BOM": "\uFEFFAn", "soft hyphen": "An\u00ADBình",
	}
	writes := []struct {
		name, method, path, field string
		body                      func(s string) map[string]any
	}{
		{"new unit name", "POST", "/api/v1/units", "name", func(s string) map[string]any {
			return map[string]any{"parentId": r.comm.ID, "level": "branch", "name": s, "code": "ZZ"}
		}},
		{"unit rename", "PATCH", "/api/v1/units/" + r.a.ID, "name", func(s string) map[string]any { return map[string]any{"name": s} }},
		{"new member name", "POST", "/api/v1/units/" + r.a.ID + "/members", "fullName", func(s string) map[string]any {
			return map[string]any{"fullName": s}
		}},
		{"member address", "PATCH", "/api/v1/members/" + m.ID, "address", func(s string) map[string]any { return map[string]any{"address": s} }},
		{"member number", "PATCH", "/api/v1/members/" + m.ID, "memberNo", func(s string) map[string]any { return map[string]any{"memberNo": s} }},
		{"leave reason", "POST", "/api/v1/members/" + m.ID + "/leave", "reason", func(s string) map[string]any {
			return map[string]any{"status": "left", "on": "2025-01-01", "reason": s}
		}},
		{"officer name", "PATCH", "/api/v1/officers/" + o.ID, "fullName", func(s string) map[string]any { return map[string]any{"fullName": s} }},
		{"officer term", "PATCH", "/api/v1/officers/" + o.ID, "termLabel", func(s string) map[string]any { return map[string]any{"termLabel": s} }},
		{"user display name", "POST", "/api/v1/users", "displayName", func(s string) map[string]any {
			return map[string]any{"username": "nguoi.moi", "password": "password-nguoi-moi", "displayName": s,
				"grants": []map[string]string{{"role": "viewer", "unitId": r.a.ID}}}
		}},
	}
	for _, w := range writes {
		for name, s := range bad {
			res := e.do(w.method, w.path, e.admin, w.body(s))
			if res.status != 400 || res.code() != "validation_failed" {
				t.Errorf("%s with %s: %d %s, want 400 validation_failed", w.name, name, res.status, res.body)
				continue
			}
			if f := fieldsOf(t, res); len(f) != 1 || f[0] != w.field {
				t.Errorf("%s with %s: fields %v, want [%s]", w.name, name, f, w.field)
			}
		}
	}
	// Nothing changed.
	var after member
	e.expect(e.do("GET", "/api/v1/members/"+m.ID, e.admin, nil), 200).decode(t, &after)
	if after.Version != 1 || after.Status != "active" {
		t.Errorf("the member changed: %+v", after)
	}
	var children struct{ Items []unit }
	e.expect(e.do("GET", "/api/v1/units/"+r.comm.ID+"/children", e.admin, nil), 200).decode(t, &children)
	if len(children.Items) != 2 || children.Items[0].Name != "Đơn vị A" {
		t.Errorf("the tree changed: %+v", children.Items)
	}
	// Decomposed Vietnamese and ordinary punctuation are fine.
	e.expect(e.do("PATCH", "/api/v1/members/"+m.ID, e.admin, map[string]any{"address": "Số 12, ngõ 3/4 - Thôn Đông (cũ)", "fullName": "Nguye\u0302\u0303n Văn An"}), 200)
}

// Invalid UTF-8 is refused, not stored as U+FFFD.
func TestInvalidUTF8BodyIs400(t *testing.T) {
	r := newRoll(t)
	e := r.e
	res := e.expect(e.do("POST", "/api/v1/units/"+r.a.ID+"/members", e.admin, "{\"fullName\": \"Nguy\xe1n V\xffn An\"}"), 400, "validation_failed")
	if !strings.Contains(string(res.body), "UTF-8") {
		t.Errorf("the problem does not say why: %s", res.body)
	}
	var l memberList
	e.expect(e.do("GET", "/api/v1/units/"+r.a.ID+"/members", e.admin, nil), 200).decode(t, &l)
	if len(l.Items) != 0 {
		t.Fatalf("a member was stored: %+v", l.Items)
	}
}

// A body that is not application/json is 415 unsupported_media_type;
// application/json with a UTF-8 charset is fine.
func TestNonJSONBodiesAre415(t *testing.T) {
	e := newEnv(t)
	body := `{"parentId":"root","level":"province","name":"Tỉnh Mới","code":"%d"}`
	for i, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=latin1", "application/xml", "application/jsonx"} {
		e.expect(e.do("POST", "/api/v1/units", e.admin, fmt.Sprintf(body, 90+i), "Content-Type", ct), 415, "unsupported_media_type")
	}
	var root struct{ Items []unit }
	e.expect(e.do("GET", "/api/v1/units/root/children", e.admin, nil), 200).decode(t, &root)
	if len(root.Items) != 0 {
		t.Fatalf("units were created: %+v", root.Items)
	}
	for i, ct := range []string{"application/json", "application/json; charset=utf-8", "Application/JSON; charset=\"UTF-8\""} {
		e.expect(e.do("POST", "/api/v1/units", e.admin, fmt.Sprintf(body, 80+i), "Content-Type", ct), 201)
	}
	// Login and the other bodies follow the same rule.
	e.expect(e.do("POST", "/api/v1/auth/login", "", "username=admin&password="+adminPassword, "Content-Type", "application/x-www-form-urlencoded"), 415, "unsupported_media_type")
}

// status=active&status=left (openapi-fetch's form) means status=active,left.
func TestRepeatedStatusMeansTheSameAsCommaSeparated(t *testing.T) {
	r := newRoll(t)
	e := r.e
	r.add(r.chairA, r.a, map[string]any{"fullName": "Nguyễn Văn An"})
	gone := r.add(r.chairA, r.a, map[string]any{"fullName": "Trần Văn Bình", "joinedOn": "2020-01-01"})
	dead := r.add(r.chairA, r.a, map[string]any{"fullName": "Lê Văn Cường", "joinedOn": "2020-01-01"})
	e.expect(e.do("POST", "/api/v1/members/"+gone.ID+"/leave", r.chairA, map[string]any{"status": "left", "on": "2025-01-01"}), 200)
	e.expect(e.do("POST", "/api/v1/members/"+dead.ID+"/leave", r.chairA, map[string]any{"status": "deceased", "on": "2025-01-01"}), 200)
	comma := names(r.list(r.chairA, r.a.ID, "status=active,left").Items)
	repeated := names(r.list(r.chairA, r.a.ID, "status=active&status=left").Items)
	if len(comma) != 2 || strings.Join(comma, "|") != strings.Join(repeated, "|") {
		t.Fatalf("comma-separated %v, repeated %v: want the same two members", comma, repeated)
	}
	mixed := names(r.list(r.chairA, r.a.ID, "status=deceased&status=active,left").Items)
	if len(mixed) != 3 {
		t.Fatalf("mixed forms: %v, want all three", mixed)
	}
	for _, q := range []string{"status=active&status=gone", "status=", "status=active,", "status=active&status="} {
		res := e.expect(e.do("GET", "/api/v1/units/"+r.a.ID+"/members?"+q, r.chairA, nil), 400, "validation_failed")
		if f := fieldsOf(t, res); len(f) == 0 || f[0] != "status" {
			t.Fatalf("%s: fields %v, want status", q, f)
		}
	}
}

// Fields the description marks required are required, and null dates mean
// what the description says.
func TestRequiredFieldsAndNullDates(t *testing.T) {
	r := newRoll(t)
	e := r.e
	res := e.expect(e.do("POST", "/api/v1/users", e.admin, map[string]any{"username": "khong.ten", "password": "password-khong-ten",
		"grants": []map[string]string{{"role": "viewer", "unitId": r.a.ID}}}), 400, "validation_failed")
	if f := fieldsOf(t, res); len(f) != 1 || f[0] != "displayName" {
		t.Fatalf("a user without displayName: fields %v", f)
	}

	// A login without a password is a malformed request, not a wrong guess:
	// 400 naming the field, and it does not count towards the lockout.
	for range 8 {
		res := e.expect(e.do("POST", "/api/v1/auth/login", "", map[string]any{"username": "admin"}), 400, "validation_failed")
		if f := fieldsOf(t, res); len(f) != 1 || f[0] != "password" {
			t.Fatalf("a login without password: fields %v", f)
		}
	}
	e.expect(e.do("POST", "/api/v1/auth/login", "", map[string]any{"password": "x"}), 400, "validation_failed")
	e.login("admin", adminPassword)
	for _, path := range []string{"/api/v1/auth/refresh", "/api/v1/auth/logout"} {
		res := e.expect(e.do("POST", path, "", map[string]any{}), 400, "validation_failed")
		if f := fieldsOf(t, res); len(f) != 1 || f[0] != "refreshToken" {
			t.Fatalf("%s without refreshToken: fields %v", path, f)
		}
	}

	// birthDate: null on creation is no birth date; on PATCH it clears it;
	// joinedOn cannot be cleared.
	var m struct {
		member
		BirthDate *string `json:"birthDate"`
		JoinedOn  *string `json:"joinedOn"`
	}
	e.expect(e.do("POST", "/api/v1/units/"+r.a.ID+"/members", r.chairA, `{"fullName":"Nguyễn Văn An","birthDate":null}`), 201).decode(t, &m)
	if m.BirthDate != nil {
		t.Fatalf("birthDate %q, want null", *m.BirthDate)
	}
	e.expect(e.do("PATCH", "/api/v1/members/"+m.ID, r.chairA, `{"birthDate":"1960-05-19"}`), 200).decode(t, &m)
	if m.BirthDate == nil || *m.BirthDate != "1960-05-19" {
		t.Fatalf("birthDate %v after setting it", m.BirthDate)
	}
	e.expect(e.do("PATCH", "/api/v1/members/"+m.ID, r.chairA, `{"phone":"0912345678"}`), 200).decode(t, &m)
	if m.BirthDate == nil {
		t.Fatalf("a PATCH without birthDate cleared it")
	}
	e.expect(e.do("PATCH", "/api/v1/members/"+m.ID, r.chairA, `{"birthDate":null}`), 200).decode(t, &m)
	if m.BirthDate != nil {
		t.Fatalf("birthDate %q after PATCH null, want cleared", *m.BirthDate)
	}
	res = e.expect(e.do("PATCH", "/api/v1/members/"+m.ID, r.chairA, `{"joinedOn":null}`), 400, "validation_failed")
	if f := fieldsOf(t, res); len(f) != 1 || f[0] != "joinedOn" {
		t.Fatalf("clearing joinedOn: fields %v", f)
	}

	res = e.expect(e.do("PATCH", "/api/v1/members/"+m.ID, r.chairA, `{"birthDate":19600519}`), 400, "validation_failed")
	if f := fieldsOf(t, res); len(f) != 1 || f[0] != "birthDate" {
		t.Fatalf("a number for birthDate: fields %v", f)
	}

	// null for a text field is refused, not quietly taken as "left out"
	// (the client meant to clear the phone; it would have stayed).
	res = e.expect(e.do("PATCH", "/api/v1/members/"+m.ID, r.chairA, `{"phone":null,"address":"Thôn Đông"}`), 400, "validation_failed")
	if f := fieldsOf(t, res); len(f) != 1 || f[0] != "phone" {
		t.Fatalf("phone null: fields %v", f)
	}
	var now struct {
		Phone   string `json:"phone"`
		Address string `json:"address"`
		Version int    `json:"version"`
	}
	e.expect(e.do("GET", "/api/v1/members/"+m.ID, r.chairA, nil), 200).decode(t, &now)
	if now.Phone != "0912345678" || now.Address != "" {
		t.Fatalf("a refused PATCH changed the member: %+v", now)
	}
	e.expect(e.do("PATCH", "/api/v1/units/"+r.a.ID, e.admin, `{"name":null}`), 400, "validation_failed")
	e.expect(e.do("POST", "/api/v1/users", e.admin, `{"username":"x.y","password":"password-x-y","displayName":"X","grants":null}`), 400, "validation_failed")
}
