package access_test

import (
	"fmt"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/policies"
)

func mustPolicy(t testing.TB) *access.Policy {
	t.Helper()
	p, err := access.LoadPolicy(policies.Model, policies.Policy)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// What API.md ("Roles and scope") says each role may do, written out by
// hand so that a wrong edit of policies/policy.csv fails this test.
var mayDo = map[access.Role][]string{
	access.Reporter: {"unit:read", "rollup:read", "report:read"},
	access.Viewer: {"unit:read", "rollup:read", "report:read", "officer:read", "member:read", "export:read",
		"learning:read", "evidence:read", "fund:read", "scholarship:read"},
	access.Editor: {"unit:read", "rollup:read", "report:read", "officer:read", "member:read", "export:read",
		"learning:read", "evidence:read", "fund:read", "scholarship:read",
		"member:write", "officer:write", "import:read", "import:write",
		"learning:write", "evidence:write", "fund:write", "scholarship:write"},
	access.Manager: {"unit:read", "rollup:read", "report:read", "officer:read", "member:read", "export:read",
		"learning:read", "evidence:read", "fund:read", "scholarship:read",
		"member:write", "officer:write", "import:read", "import:write",
		"learning:write", "evidence:write", "fund:write", "scholarship:write",
		"unit:write", "user:read", "user:write", "audit:read", "assessment:write", "recognition:write"},
}

func init() {
	all := []string{}
	for _, o := range access.Objects {
		all = append(all, string(o)+":read", string(o)+":write")
	}
	mayDo[access.Admin] = all
}

// The decision table: roles × every object and action × where the target
// lies relative to the one grant (own unit, descendant, ancestor, sibling,
// other province).
func TestDecisionTable(t *testing.T) {
	az := access.NewAuthorizer(mustPolicy(t))
	// root ─ p34 ─ d336 ─ c12436 ; p34 ─ d337 ; root ─ p33 ─ d323
	paths := map[string][]string{
		"own":            {"root", "p34", "d336"},
		"descendant":     {"root", "p34", "d336", "c12436"},
		"ancestor":       {"root", "p34"},
		"sibling":        {"root", "p34", "d337"},
		"other province": {"root", "p33", "d323"},
	}
	for _, role := range access.Roles {
		allowed := map[string]bool{}
		for _, a := range mayDo[role] {
			allowed[a] = true
		}
		scope := access.NewScope("u1", []access.Grant{{Role: role, UnitID: "d336"}})
		for rel, path := range paths {
			for _, obj := range access.Objects {
				for _, act := range []access.Action{access.Read, access.Write} {
					key := fmt.Sprintf("%s:%s", obj, act)
					var want errs.Code
					switch {
					case rel == "ancestor" || rel == "sibling" || rel == "other province":
						want = errs.NotFound
					case !allowed[key]:
						want = errs.Forbidden
					}
					got := az.Authorize(scope, path, obj, act, "unit")
					if errs.CodeOf(got) != want {
						t.Errorf("%s on %s: %s → %q, want %q", role, rel, key, errs.CodeOf(got), want)
					}
					if az.Allowed(scope, path, obj, act) != (want == "") {
						t.Errorf("Allowed disagrees with Authorize for %s on %s: %s", role, rel, key)
					}
				}
			}
		}
	}
}

func TestSeveralGrantsTakeTheBestThatCovers(t *testing.T) {
	az := access.NewAuthorizer(mustPolicy(t))
	s := access.NewScope("u1", []access.Grant{{Role: access.Reporter, UnitID: "p34"}, {Role: access.Editor, UnitID: "d336"}})
	cases := []struct {
		path []string
		obj  access.Object
		act  access.Action
		want errs.Code
	}{
		{[]string{"root", "p34", "d336", "c1"}, access.ObjMember, access.Write, ""},
		{[]string{"root", "p34", "d337"}, access.ObjMember, access.Write, errs.Forbidden},
		{[]string{"root", "p34", "d337"}, access.ObjRollup, access.Read, ""},
		{[]string{"root", "p33"}, access.ObjRollup, access.Read, errs.NotFound},
	}
	for _, c := range cases {
		if got := errs.CodeOf(az.Authorize(s, c.path, c.obj, c.act, "x")); got != c.want {
			t.Errorf("%v %s:%s → %q, want %q", c.path, c.obj, c.act, got, c.want)
		}
	}
}

func TestWhoMayGrantWhat(t *testing.T) {
	p := mustPolicy(t)
	az := access.NewAuthorizer(p)
	rank := map[access.Role]int{access.Admin: 4, access.Manager: 3, access.Editor: 2, access.Viewer: 1, access.Reporter: 0}
	for _, caller := range access.Roles {
		s := access.NewScope("u", []access.Grant{{Role: caller, UnitID: "p34"}})
		for _, granted := range access.Roles {
			canManage := caller == access.Admin || caller == access.Manager
			want := canManage && rank[caller] >= rank[granted]
			if got := az.CanGrant(s, []string{"root", "p34", "d336"}, granted); got != want {
				t.Errorf("%s granting %s in scope: %v, want %v", caller, granted, got, want)
			}
			if az.CanGrant(s, []string{"root", "p33"}, granted) {
				t.Errorf("%s may grant %s outside its scope", caller, granted)
			}
		}
	}
}
