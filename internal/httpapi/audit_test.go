package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/app"
	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/units"
)

type auditEntry struct {
	Seq        int64                      `json:"seq"`
	ActorID    string                     `json:"actorId"`
	ActorName  string                     `json:"actorName"`
	Action     string                     `json:"action"`
	ObjectType string                     `json:"objectType"`
	ObjectID   string                     `json:"objectId"`
	UnitID     string                     `json:"unitId"`
	Ancestors  []string                   `json:"ancestors"`
	Before     map[string]json.RawMessage `json:"before"`
	After      map[string]json.RawMessage `json:"after"`
	Detail     map[string]json.RawMessage `json:"detail"`
	State      string                     `json:"state"`
	Hash       string                     `json:"hash"`
}

type auditList struct {
	Items      []auditEntry `json:"items"`
	NextCursor string       `json:"nextCursor"`
}

// audit lists entries with the query q (url.Values encoded) as token.
func (e *env) audit(token string, q url.Values) auditList {
	e.t.Helper()
	var l auditList
	e.expect(e.do("GET", "/api/v1/audit?"+q.Encode(), token, nil), 200).decode(e.t, &l)
	return l
}

// only is the single entry of l with action, or fails.
func only(t *testing.T, l auditList, action string) auditEntry {
	t.Helper()
	var got []auditEntry
	for _, x := range l.Items {
		if x.Action == action {
			got = append(got, x)
		}
	}
	if len(got) != 1 {
		t.Fatalf("%d %s entries, want 1: %+v", len(got), action, l.Items)
	}
	return got[0]
}

func str(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("%s is not a string", raw)
	}
	return s
}

// Every kind of write leaves an entry naming the actor, the object, its
// unit and the fields before and after (only those that changed on an
// update); personal data is in it, password hashes are not.
func TestAuditEntryForEveryKindOfWrite(t *testing.T) {
	r := newRoll(t)
	e := r.e
	manager := e.mustUser("manager.34", "manager", r.prov.ID)
	q := func(kv ...string) url.Values {
		v := url.Values{"unitId": {r.prov.ID}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}

	t.Run("unit", func(t *testing.T) {
		var u unit
		e.expect(e.do("POST", "/api/v1/units", manager, map[string]string{"parentId": r.comm.ID, "level": "branch", "name": "Chi hội Đông", "code": "D"}), 201).decode(t, &u)
		e.expect(e.do("PATCH", "/api/v1/units/"+u.ID, manager, map[string]string{"name": "Chi hội Đông Hải"}), 200)
		l := e.audit(manager, q("objectType", "unit", "objectId", u.ID))
		c := only(t, l, "create")
		if c.ActorName != "manager.34" || c.UnitID != u.ID || str(t, c.After["name"]) != "Chi hội Đông" || c.Before != nil {
			t.Errorf("create entry %+v", c)
		}
		up := only(t, l, "update")
		if str(t, up.Before["name"]) != "Chi hội Đông" || str(t, up.After["name"]) != "Chi hội Đông Hải" {
			t.Errorf("update entry %+v", up)
		}
		if _, has := up.After["code"]; has {
			t.Errorf("an unchanged field is recorded: %+v", up.After)
		}
		if l.Items[0].Seq < l.Items[1].Seq {
			t.Errorf("not newest first: %+v", l.Items)
		}
	})

	t.Run("member", func(t *testing.T) {
		m := r.add(r.chairA, r.a, map[string]any{"fullName": "Nguyễn Thị Hoa", "nationalId": "034180000123", "joinedOn": "2020-01-01"})
		e.expect(e.do("PATCH", "/api/v1/members/"+m.ID, r.chairA, map[string]any{"phone": "0912345678"}), 200)
		e.expect(e.do("POST", "/api/v1/members/"+m.ID+"/transfer", manager, map[string]any{"toBranchId": r.b.ID, "on": "2025-01-15"}), 200)
		l := e.audit(manager, q("objectType", "member", "objectId", m.ID))
		c := only(t, l, "create")
		if c.ActorName != "chair.a" || str(t, c.After["nationalId"]) != "034180000123" || c.UnitID != r.a.ID {
			t.Errorf("create entry %+v", c)
		}
		var phone, transfer *auditEntry
		for i, x := range l.Items {
			if x.Action == "update" && x.After["phone"] != nil {
				phone = &l.Items[i]
			}
			if x.Action == "update" && x.After["branchId"] != nil {
				transfer = &l.Items[i]
			}
		}
		if phone == nil || str(t, phone.After["phone"]) != "0912345678" || str(t, phone.Before["phone"]) != "" {
			t.Errorf("phone entry %+v", phone)
		}
		if transfer == nil || str(t, transfer.Before["branchId"]) != r.a.ID || str(t, transfer.After["branchId"]) != r.b.ID || transfer.UnitID != r.b.ID {
			t.Errorf("transfer entry %+v", transfer)
		}
	})

	t.Run("officer", func(t *testing.T) {
		var o struct{ ID string }
		e.expect(e.do("POST", "/api/v1/units/"+r.prov.ID+"/officers", manager, map[string]any{"fullName": "Phạm Văn Ba", "position": "standing", "from": "2021-01-01"}), 201).decode(t, &o)
		e.expect(e.do("PATCH", "/api/v1/officers/"+o.ID, manager, map[string]any{"termLabel": "2021-2026"}), 200)
		e.expect(e.do("DELETE", "/api/v1/officers/"+o.ID, manager, nil), 204)
		l := e.audit(manager, q("objectType", "officer", "objectId", o.ID))
		if c := only(t, l, "create"); str(t, c.After["fullName"]) != "Phạm Văn Ba" {
			t.Errorf("create entry %+v", c)
		}
		if u := only(t, l, "update"); str(t, u.After["termLabel"]) != "2021-2026" || str(t, u.Before["termLabel"]) != "" {
			t.Errorf("update entry %+v", u)
		}
		if d := only(t, l, "delete"); str(t, d.Before["fullName"]) != "Phạm Văn Ba" || d.After != nil {
			t.Errorf("delete entry %+v", d)
		}
	})

	t.Run("move and merge", func(t *testing.T) {
		var c2, c3, x, y unit
		e.expect(e.do("POST", "/api/v1/units", manager, map[string]string{"parentId": r.comm.ParentID, "level": "commune", "name": "Xã Hai", "code": "C2"}), 201).decode(t, &c2)
		e.expect(e.do("POST", "/api/v1/units", manager, map[string]string{"parentId": r.comm.ParentID, "level": "commune", "name": "Xã Ba", "code": "C3"}), 201).decode(t, &c3)
		e.expect(e.do("POST", "/api/v1/units", manager, map[string]string{"parentId": r.comm.ID, "level": "branch", "name": "Chi hội X", "code": "X"}), 201).decode(t, &x)
		e.expect(e.do("POST", "/api/v1/units", manager, map[string]string{"parentId": c3.ID, "level": "branch", "name": "Chi hội Y", "code": "Y"}), 201).decode(t, &y)
		e.expect(e.do("POST", "/api/v1/units/"+x.ID+"/move", manager, map[string]string{"parentId": c2.ID}), 200)
		mv := only(t, e.audit(manager, q("objectType", "unit", "objectId", x.ID)), "update")
		if str(t, mv.Before["parentId"]) != r.comm.ID || str(t, mv.After["parentId"]) != c2.ID || mv.ActorName != "manager.34" {
			t.Errorf("move entry %+v", mv)
		}
		e.expect(e.do("POST", "/api/v1/units/"+c2.ID+"/merge", manager, map[string]any{"sources": []string{c3.ID}}), 200)
		if m := only(t, e.audit(manager, q("objectType", "unit", "objectId", y.ID)), "update"); str(t, m.After["parentId"]) != c2.ID {
			t.Errorf("the merge's move of a child %+v", m)
		}
		closed := only(t, e.audit(manager, q("objectType", "unit", "objectId", c3.ID)), "update")
		if str(t, closed.After["status"]) != "closed" || str(t, closed.After["mergedInto"]) != c2.ID {
			t.Errorf("the merge's close %+v", closed)
		}
	})

	t.Run("user and grants", func(t *testing.T) {
		var u struct{ ID string }
		e.expect(e.do("POST", "/api/v1/users", manager, map[string]any{"username": "viewer.a", "password": "long-enough-pw", "displayName": "Viewer A",
			"grants": []map[string]string{{"role": "viewer", "unitId": r.a.ID}}}), 201).decode(t, &u)
		e.expect(e.do("PATCH", "/api/v1/users/"+u.ID, manager, map[string]any{"password": "another-long-pw",
			"grants": []map[string]string{{"role": "editor", "unitId": r.a.ID}}}), 200)
		e.expect(e.do("DELETE", "/api/v1/users/"+u.ID, manager, nil), 204)
		l := e.audit(manager, q("objectType", "user", "objectId", u.ID))
		c := only(t, l, "create")
		if str(t, c.After["username"]) != "viewer.a" || c.UnitID != r.a.ID {
			t.Errorf("create entry %+v", c)
		}
		up := only(t, l, "update")
		if !strings.Contains(string(up.Before["grants"]), "viewer") || !strings.Contains(string(up.After["grants"]), "editor") ||
			string(up.After["passwordChanged"]) != "true" {
			t.Errorf("update entry %+v", up)
		}
		if d := only(t, l, "delete"); str(t, d.Before["username"]) != "viewer.a" {
			t.Errorf("delete entry %+v", d)
		}
		raw := e.expect(e.do("GET", "/api/v1/audit?objectType=user&unitId="+r.prov.ID, manager, nil), 200).body
		for _, secret := range []string{"argon", "$2a$", "passwordHash", "another-long-pw", "long-enough-pw"} {
			if strings.Contains(string(raw), secret) {
				t.Errorf("the trail holds %q: %s", secret, raw)
			}
		}
	})
}

// Reading personal data is recorded: a member read by id, a page or a
// search of a roll (the unit and the query, not every member).
func TestAuditRecordsReadersOfRolls(t *testing.T) {
	r := newRoll(t)
	e := r.e
	m := r.add(r.chairA, r.a, map[string]any{"fullName": "Lê Văn Cường"})
	e.expect(e.do("GET", "/api/v1/members/"+m.ID, r.viewerProv, nil), 200)
	e.expect(e.do("GET", "/api/v1/units/"+r.comm.ID+"/members?q=cuong", r.viewerProv, nil), 200)
	viewer := e.audit(e.admin, url.Values{"unitId": {r.prov.ID}, "actorId": {r.viewerID(t)}})
	read := only(t, viewer, "read")
	if read.ObjectType != "member" || read.ObjectID != m.ID || read.ActorName != "viewer.34" {
		t.Errorf("read entry %+v", read)
	}
	list := only(t, viewer, "list")
	if list.ObjectType != "roll" || list.ObjectID != r.comm.ID || !strings.Contains(string(list.Detail["words"]), "cuong") {
		t.Errorf("list entry %+v", list)
	}
	if len(viewer.Items) != 2 {
		t.Errorf("the viewer's entries: %+v", viewer.Items)
	}
}

func (r *roll) viewerID(t *testing.T) string {
	var me struct{ ID string }
	r.e.expect(r.e.do("GET", "/api/v1/me", r.viewerProv, nil), 200).decode(t, &me)
	return me.ID
}

// The trail is in scope: a manager of one province sees its entries and
// not another's (and cannot ask for the other's at all); editors and
// below may not read it; nothing changes or deletes an entry.
func TestAuditIsScopedAndReadOnly(t *testing.T) {
	r := newRoll(t)
	e := r.e
	m34 := e.mustUser("manager.34", "manager", r.prov.ID)
	m33 := e.mustUser("manager.33", "manager", r.c.Ancestors[1])
	r.add(r.chairA, r.a, map[string]any{"fullName": "Ở Tỉnh 34"})
	var c member
	e.expect(e.do("POST", "/api/v1/units/"+r.c.ID+"/members", m33, map[string]any{"fullName": "Ở Tỉnh 33"}), 201).decode(t, &c)

	own := e.audit(m34, url.Values{"unitId": {r.prov.ID}, "objectType": {"member"}})
	if len(own.Items) != 1 || own.Items[0].UnitID != r.a.ID {
		t.Errorf("manager.34 sees %+v", own.Items)
	}
	e.expect(e.do("GET", "/api/v1/audit?unitId="+r.c.ID, m34, nil), 404, "not_found")
	e.expect(e.do("GET", "/api/v1/audit?objectType=member&objectId="+c.ID+"&unitId="+r.prov.ID, m34, nil), 200)
	if l := e.audit(m34, url.Values{"unitId": {r.prov.ID}, "objectType": {"member"}, "objectId": {c.ID}}); len(l.Items) != 0 {
		t.Errorf("manager.34 sees province 33's member: %+v", l.Items)
	}
	e.expect(e.do("GET", "/api/v1/audit", m34, nil), 404, "not_found") // the root is not its scope
	e.expect(e.do("GET", "/api/v1/audit?unitId="+r.a.ID, r.chairA, nil), 403, "forbidden")
	e.expect(e.do("GET", "/api/v1/audit?unitId="+r.prov.ID, r.viewerProv, nil), 403, "forbidden")
	all := e.audit(e.admin, url.Values{"objectType": {"member"}})
	if len(all.Items) != 2 {
		t.Errorf("the admin sees %d member entries, want 2", len(all.Items))
	}

	e.expect(e.do("PATCH", "/api/v1/audit", e.admin, map[string]any{"state": "void"}), 405, "method_not_allowed")
	e.expect(e.do("DELETE", "/api/v1/audit", e.admin, nil), 405, "method_not_allowed")
	e.expect(e.do("GET", "/api/v1/audit?objectType=planet", e.admin, nil), 400, "validation_failed")
	e.expect(e.do("GET", "/api/v1/audit?since=yesterday", e.admin, nil), 400, "validation_failed")
}

// Pages follow each other without gap or overlap, newest first, and the
// time window cuts.
func TestAuditPagesAndTimeWindow(t *testing.T) {
	e := newEnv(t)
	p := e.mustUnit("root", "province", "34")
	for _, code := range []string{"1", "2", "3", "4", "5"} {
		e.mustUnit(p.ID, "district", code)
	}
	seen := map[int64]bool{}
	var last int64 = 1 << 62
	cursor := ""
	for pages := 0; ; pages++ {
		v := url.Values{"unitId": {p.ID}, "limit": {"2"}}
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		l := e.audit(e.admin, v)
		for _, x := range l.Items {
			if seen[x.Seq] || x.Seq >= last {
				t.Fatalf("entry %d repeated or out of order", x.Seq)
			}
			seen[x.Seq], last = true, x.Seq
		}
		if cursor = l.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) != 6 { // the province and its five districts
		t.Errorf("%d entries in the province, want 6", len(seen))
	}
	if l := e.audit(e.admin, url.Values{"unitId": {p.ID}, "until": {"2000-01-01T00:00:00Z"}}); len(l.Items) != 0 {
		t.Errorf("entries before 2000: %+v", l.Items)
	}
	if l := e.audit(e.admin, url.Values{"unitId": {p.ID}, "since": {"2000-01-01T00:00:00Z"}}); len(l.Items) != 6 {
		t.Errorf("%d entries since 2000, want 6", len(l.Items))
	}
}

// failingUnitUpdate is the embedded store whose unit updates fail (a
// disk gone bad), for the audit's "no entry without its change".
type failingUnitUpdate struct {
	app.Store
}

func (failingUnitUpdate) UpdateUnit(context.Context, *units.Unit) error {
	return errors.New("injected: the disk went away")
}

// A write that fails leaves no entry, and the trail still verifies.
func TestAuditNoEntryForAFailedWrite(t *testing.T) {
	var fs *failingUnitUpdate
	e := newEnvOn(t, func(s app.Store) app.Store { fs = &failingUnitUpdate{Store: s}; return fs })
	p := e.mustUnit("root", "province", "34")
	e.expect(e.do("PATCH", "/api/v1/units/"+p.ID, e.admin, map[string]string{"name": "Tỉnh khác"}), 500)
	l := e.audit(e.admin, url.Values{"objectType": {"unit"}, "objectId": {p.ID}})
	if len(l.Items) != 1 || l.Items[0].Action != "create" {
		t.Errorf("entries after a failed update: %+v", l.Items)
	}
	r, err := audit.Verify(context.Background(), fs)
	if err != nil || r.Problem != nil || r.Unsealed != 0 {
		t.Errorf("verify: %+v %v", r, err)
	}
}
