package httpapi_test

import (
	"fmt"
	"testing"
)

// The role × scope decision table over HTTP: every role granted on one
// district, acting on that district, a commune below it, the province
// above it, a sibling district and a district of another province.
func TestScopeDecisionTable(t *testing.T) {
	e := newEnv(t)
	p1 := e.mustUnit("root", "province", "34")
	own := e.mustUnit(p1.ID, "district", "336")
	desc := e.mustUnit(own.ID, "commune", "12436")
	sib := e.mustUnit(p1.ID, "district", "337")
	p2 := e.mustUnit("root", "province", "33")
	other := e.mustUnit(p2.ID, "district", "323")
	targets := map[string]unit{"own": own, "descendant": desc, "ancestor": p1, "sibling": sib, "other province": other}

	roles := []string{"manager", "editor", "viewer", "reporter"}
	tok := map[string]string{}
	for _, r := range roles {
		tok[r] = e.mustUser(r+".336", r, own.ID)
	}

	n := 0
	actions := []struct {
		name string
		do   func(token string, u unit) *resp
		// status when the target is in scope, per role; outside scope: out
		in  map[string]int
		out int
	}{
		{"read unit", func(tk string, u unit) *resp { return e.do("GET", "/api/v1/units/"+u.ID, tk, nil) },
			map[string]int{"manager": 200, "editor": 200, "viewer": 200, "reporter": 200}, 404},
		{"list children", func(tk string, u unit) *resp { return e.do("GET", "/api/v1/units/"+u.ID+"/children", tk, nil) },
			map[string]int{"manager": 200, "editor": 200, "viewer": 200, "reporter": 200}, 404},
		{"rename unit", func(tk string, u unit) *resp {
			return e.do("PATCH", "/api/v1/units/"+u.ID, tk, map[string]string{"name": "Đổi tên"})
		}, map[string]int{"manager": 200, "editor": 403, "viewer": 403, "reporter": 403}, 404},
		{"create child", func(tk string, u unit) *resp {
			n++
			return e.do("POST", "/api/v1/units", tk, map[string]string{"parentId": u.ID, "level": "branch", "name": "Chi hội", "code": fmt.Sprintf("CH%d", n)})
		}, map[string]int{"manager": 201, "editor": 403, "viewer": 403, "reporter": 403}, 404},
		{"create a viewer there", func(tk string, u unit) *resp {
			n++
			return e.do("POST", "/api/v1/users", tk, map[string]any{"username": fmt.Sprintf("u%d", n), "password": "long-enough-pw", "displayName": "Người xem",
				"grants": []map[string]string{{"role": "viewer", "unitId": u.ID}}})
		}, map[string]int{"manager": 201, "editor": 403, "viewer": 403, "reporter": 403}, 400},
	}
	for _, a := range actions {
		for _, role := range roles {
			for rel, target := range targets {
				want := a.out
				if rel == "own" || rel == "descendant" {
					want = a.in[role]
				}
				t.Run(fmt.Sprintf("%s/%s/%s", a.name, role, rel), func(t *testing.T) {
					if r := a.do(tok[role], target); r.status != want {
						t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
					}
				})
			}
		}
	}
}
