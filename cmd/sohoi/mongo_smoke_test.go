package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/store/mongo/mongotest"
)

// The real server on MongoDB's wire protocol (FerretDB started here):
// start, seed one province, log in, a scoped read, a 404 outside scope.
func TestServeOnMongoDB(t *testing.T) {
	uri, stop, err := mongotest.StartFerretDB()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	env := map[string]string{"SOHOI_MONGODB_URI": uri, "SOHOI_MONGODB_DB": "smoke"}
	var out bytes.Buffer
	args := []string{"seed", "units", "--province", "33"} // the tree in force, carried in the binary
	if err := run(context.Background(), args, func(k string) string { return env[k] }, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	// Hưng Yên after the 2025 reform (with Thái Bình merged in): one
	// province and its communes, no districts.
	if !strings.Contains(out.String(), "created, 0 renamed, 0 unchanged") || strings.HasPrefix(out.String(), "seeded units: 0 ") {
		t.Fatalf("seed: %s", out.String())
	}

	// FerretDB v1 does not apply a guarded update atomically, so nothing
	// may count beside the requests here (on MongoDB it may): each write
	// counts before it answers, and months are not closed in the background.
	// The server, not the tool, makes the first administrator.
	p := startServer(t, "SOHOI_MONGODB_URI="+uri, "SOHOI_MONGODB_DB=smoke", "SOHOI_DATA_DIR="+t.TempDir(),
		"SOHOI_COUNT_IN_BACKGROUND=false", "SOHOI_CLOSE_MONTHS=false", "SOHOI_ADMIN_PASSWORD=mongo-admin-password")
	if !strings.Contains(p.logs.String(), `"store":"mongodb"`) {
		t.Fatalf("the server did not use MongoDB:\n%s", p.logs)
	}
	admin := p.login("admin", "mongo-admin-password")
	_, provinces := p.call("GET", "/api/v1/units/root/children", admin, nil)
	items := provinces["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("provinces: %v", provinces)
	}
	hungYen := items[0].(map[string]any)
	_, communes := p.call("GET", "/api/v1/units/"+hungYen["id"].(string)+"/children?limit=2", admin, nil)
	cs := communes["items"].([]any)
	if len(cs) != 2 || communes["nextCursor"] == nil {
		t.Fatalf("communes: %v", communes)
	}
	commune := cs[0].(map[string]any)
	sibling := cs[1].(map[string]any)
	if status, _ := p.call("POST", "/api/v1/users", admin, map[string]any{"username": "xa.editor", "password": "xa-editor-password", "displayName": "Biên tập xã",
		"grants": []map[string]string{{"role": "editor", "unitId": commune["id"].(string)}}}); status != 201 {
		t.Fatalf("create user: %d", status)
	}
	editor := p.login("xa.editor", "xa-editor-password")
	if status, got := p.call("GET", "/api/v1/units/"+commune["id"].(string), editor, nil); status != 200 || got["code"] != commune["code"] {
		t.Fatalf("scoped read: %d %v", status, got)
	}
	for _, id := range []string{sibling["id"].(string), hungYen["id"].(string), "root"} {
		if status, _ := p.call("GET", "/api/v1/units/"+id, editor, nil); status != 404 {
			t.Fatalf("read of %s outside scope: %d, want 404", id, status)
		}
	}

	// The roll and its figures on MongoDB too: a branch, members, a
	// search, a transfer, the rollup.
	status, branch := p.call("POST", "/api/v1/units", admin, map[string]string{"parentId": commune["id"].(string), "level": "branch", "name": "Chi hội thôn Đông", "code": "CH01"})
	if status != 201 {
		t.Fatalf("branch: %d %v", status, branch)
	}
	status, other := p.call("POST", "/api/v1/units", admin, map[string]string{"parentId": sibling["id"].(string), "level": "branch", "name": "Chi hội thôn Tây", "code": "CH01"})
	if status != 201 {
		t.Fatalf("other branch: %d", status)
	}
	var an map[string]any
	for _, name := range []string{"Nguyễn Văn An", "Đỗ Đình Trọng"} {
		status, m := p.call("POST", "/api/v1/units/"+branch["id"].(string)+"/members", editor, map[string]any{"fullName": name, "joinedOn": "2020-01-01"})
		if status != 201 {
			t.Fatalf("member: %d %v", status, m)
		}
		if an == nil {
			an = m
		}
	}
	if status, found := p.call("GET", "/api/v1/units/"+commune["id"].(string)+"/members?q=do+dinh", editor, nil); status != 200 || len(found["items"].([]any)) != 1 {
		t.Fatalf("search: %d %v", status, found)
	}
	if status, _ := p.call("POST", "/api/v1/members/"+an["id"].(string)+"/transfer", admin, map[string]any{"toBranchId": other["id"].(string), "on": "2024-01-15"}); status != 200 {
		t.Fatalf("transfer: %d", status)
	}
	// Figures above a branch follow writes within about a second; a
	// rollup says when they have not yet (pending).
	settled := func(path, token string) (int, map[string]any) {
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			status, body := p.call("GET", path, token, nil)
			if status != 200 || body["pending"] == false || time.Now().After(deadline) {
				return status, body
			}
		}
	}
	status, roll := settled("/api/v1/units/"+hungYen["id"].(string)+"/rollup", admin)
	if status != 200 || roll["totals"].(map[string]any)["activeMembers"].(float64) != 2 {
		t.Fatalf("province rollup: %d %v", status, roll["totals"])
	}
	status, past := settled("/api/v1/units/"+commune["id"].(string)+"/rollup?asOf=2023-12-31", admin)
	if status != 200 || past["totals"].(map[string]any)["activeMembers"].(float64) != 2 {
		t.Fatalf("the commune before the transfer: %d %v", status, past["totals"])
	}
	status, now := settled("/api/v1/units/"+commune["id"].(string)+"/rollup", editor)
	if status != 200 || now["totals"].(map[string]any)["activeMembers"].(float64) != 1 {
		t.Fatalf("the commune after the transfer: %d %v", status, now["totals"])
	}
}
