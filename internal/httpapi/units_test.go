package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
)

func TestUnitLevelRules(t *testing.T) {
	e := newEnv(t)
	prov := e.mustUnit("root", "province", "34")
	comm := e.mustUnit(prov.ID, "commune", "12436") // a skipped level is fine (2025 reform)
	branch := e.mustUnit(comm.ID, "branch", "CH01")

	cases := []struct {
		name     string
		parentID string
		level    string
		code     string
		status   int
		field    string
	}{
		{"district under a province", prov.ID, "district", "336", 201, ""},
		{"a province under a province", prov.ID, "province", "35", 400, "level"},
		{"a district under a commune", comm.ID, "district", "337", 400, "level"},
		{"anything under a branch", branch.ID, "branch", "CH02", 400, "parentId"},
		{"a second central unit", "root", "central", "VN2", 400, "level"},
		{"an unknown level", prov.ID, "hamlet", "X1", 400, "level"},
		{"no code", prov.ID, "district", "", 400, "code"},
		{"a code with spaces", prov.ID, "district", "33 6", 400, "code"},
		{"an unknown parent", "0000000000000000", "district", "338", 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", "/api/v1/units", e.admin, map[string]string{"parentId": c.parentID, "level": c.level, "name": "Huyện Vũ Thư", "code": c.code})
			e.expect(r, c.status)
			if c.field != "" && !strings.Contains(string(r.body), `"field":"`+c.field+`"`) {
				t.Fatalf("error does not name field %q: %s", c.field, r.body)
			}
		})
	}
	t.Run("ancestors root first", func(t *testing.T) {
		var got unit
		e.expect(e.do("GET", "/api/v1/units/"+branch.ID, e.admin, nil), 200).decode(t, &got)
		if !slices.Equal(got.Ancestors, []string{"root", prov.ID, comm.ID}) || got.Status != "active" || got.Level != "branch" {
			t.Fatalf("got %+v", got)
		}
	})
}

func TestUnitNamesAreNFC(t *testing.T) {
	e := newEnv(t)
	decomposed := "Tie\u0302\u0300n  Ha\u0309i" // "Tiền Hải" typed with combining marks
	var u unit
	e.expect(e.do("POST", "/api/v1/units", e.admin, map[string]string{"parentId": "root", "level": "province", "name": " " + decomposed + " ", "code": "34"}), 201).decode(t, &u)
	if want := "Ti\u1ec1n H\u1ea3i"; u.Name != want {
		t.Fatalf("name %q (% x), want NFC %q", u.Name, u.Name, want)
	}
}

func TestSiblingCodesAreUnique(t *testing.T) {
	e := newEnv(t)
	a := e.mustUnit("root", "province", "34")
	b := e.mustUnit("root", "province", "33")
	e.mustUnit(a.ID, "district", "336")
	e.expect(e.do("POST", "/api/v1/units", e.admin, map[string]string{"parentId": a.ID, "level": "district", "name": "x", "code": "336"}), 409, "conflict")
	e.mustUnit(b.ID, "district", "336") // another parent: fine
	other := e.mustUnit(a.ID, "district", "337")
	e.expect(e.do("PATCH", "/api/v1/units/"+other.ID, e.admin, map[string]string{"code": "336"}), 409, "conflict")
}

func TestUnitPatchIfMatch(t *testing.T) {
	e := newEnv(t)
	u := e.mustUnit("root", "province", "34")
	path := "/api/v1/units/" + u.ID
	r := e.expect(e.do("GET", path, e.admin, nil), 200)
	if r.header.Get("ETag") != `"1"` {
		t.Fatalf("ETag %q", r.header.Get("ETag"))
	}

	// Two concurrent PATCHes with the same version: exactly one wins.
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = e.do("PATCH", path, e.admin, map[string]string{"name": fmt.Sprintf("Tỉnh %d", i)}, "If-Match", `"1"`).status
		}()
	}
	wg.Wait()
	slices.Sort(statuses)
	if !slices.Equal(statuses, []int{200, 412}) {
		t.Fatalf("statuses %v, want one 200 and one 412", statuses)
	}
	var got unit
	e.expect(e.do("GET", path, e.admin, nil), 200).decode(t, &got)
	if got.Version != 2 {
		t.Fatalf("version %d after one successful PATCH", got.Version)
	}
	e.expect(e.do("PATCH", path, e.admin, map[string]string{"name": "stale"}, "If-Match", `"1"`), 412, "version_mismatch")
	e.expect(e.do("PATCH", path, e.admin, map[string]string{"name": "x"}, "If-Match", `garbage`), 412, "version_mismatch")
	r = e.expect(e.do("PATCH", path, e.admin, map[string]string{"name": "Tỉnh Thái Bình"}, "If-Match", `W/"2"`), 200)
	if r.header.Get("ETag") != `"3"` {
		t.Fatalf("ETag after PATCH %q", r.header.Get("ETag"))
	}
	// Without If-Match the change applies to the current version.
	e.expect(e.do("PATCH", path, e.admin, map[string]string{"name": "Tỉnh Hưng Yên"}), 200)
}

func TestChildrenPagination(t *testing.T) {
	e := newEnv(t)
	prov := e.mustUnit("root", "province", "34")
	const n = 1000
	// Insert straight through the service: 1,000 HTTP round trips would
	// only slow the test, and listing is what is under test.
	for i := range n {
		if _, err := e.app.Units.Create(t.Context(), access.System("test"), prov.ID, unitsNew(fmt.Sprintf("CH%04d", (i*7919)%n))); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	var codes []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > n/97+1 {
			t.Fatal("more pages than there can be")
		}
		var body struct {
			Items      []unit `json:"items"`
			NextCursor string `json:"nextCursor"`
		}
		e.expect(e.do("GET", "/api/v1/units/"+prov.ID+"/children?limit=97&cursor="+cursor, e.admin, nil), 200).decode(t, &body)
		for _, u := range body.Items {
			if seen[u.ID] {
				t.Fatalf("%s listed twice", u.Code)
			}
			seen[u.ID] = true
			codes = append(codes, u.Code)
		}
		if body.NextCursor == "" {
			break
		}
		cursor = body.NextCursor
	}
	if len(codes) != n || !slices.IsSorted(codes) {
		t.Fatalf("got %d children (sorted: %v), want %d", len(codes), slices.IsSorted(codes), n)
	}
	for _, bad := range []string{"limit=0", "limit=501", "limit=x", "cursor=!!!"} {
		e.expect(e.do("GET", "/api/v1/units/"+prov.ID+"/children?"+bad, e.admin, nil), 400, "validation_failed")
	}
}

func TestBadRequestsChangeNothing(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"unknown field", `{"parentId":"root","level":"province","name":"x","code":"34","colour":"red"}`, 400, "validation_failed"},
		{"wrong type", `{"parentId":"root","level":"province","name":12,"code":"34"}`, 400, "validation_failed"},
		{"not JSON", `{"parentId":`, 400, "validation_failed"},
		{"empty body", ``, 400, "validation_failed"},
		{"two objects", `{"parentId":"root","level":"province","name":"x","code":"34"}{}`, 400, "validation_failed"},
		{"too large", `{"parentId":"root","level":"province","code":"34","name":"` + strings.Repeat("a", 2<<20) + `"}`, 413, "payload_too_large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.expect(e.do("POST", "/api/v1/units", e.admin, c.body), c.status, c.code)
			if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("content type %q", ct)
			}
		})
	}
	var body struct{ Items []unit }
	e.expect(e.do("GET", "/api/v1/units/root/children", e.admin, nil), 200).decode(t, &body)
	if len(body.Items) != 0 {
		t.Fatalf("a rejected request created %d units", len(body.Items))
	}
	e.expect(e.do("GET", "/api/v1/nowhere", e.admin, nil), http.StatusNotFound, "not_found")
}

func TestWrongMethodIs405(t *testing.T) {
	e := newEnv(t)
	e.expect(e.do("PUT", "/api/v1/units/root", e.admin, nil), 405, "method_not_allowed") // DELETE closes a unit (issue 18)
	e.expect(e.do("DELETE", "/api/v1/units/root/children", e.admin, nil), 405, "method_not_allowed")
}
