package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/units"
)

func newUser(username string, grants ...access.Grant) *access.User {
	return &access.User{ID: ids.New(), Username: username, DisplayName: "Nguyễn Văn An", PasswordHash: "$argon2id$x",
		Grants: grants, Version: 1, CreatedAt: t0, UpdatedAt: t0}
}

func grant(r access.Role, u *units.Unit) access.Grant {
	return access.Grant{Role: r, UnitID: u.ID, Path: u.Path}
}

func mustUser(t *testing.T, s Store, u *access.User) *access.User {
	t.Helper()
	if err := s.CreateUser(ctx(), u); err != nil {
		t.Fatalf("create user %s: %v", u.Username, err)
	}
	return u
}

func usernames(us []*access.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Username
	}
	return out
}

func testUsers(t *testing.T, open Opener) {
	s := open(t)
	if has, err := s.HasUsers(ctx()); err != nil || has {
		t.Fatalf("empty store HasUsers = %v, %v", has, err)
	}
	root := mustRoot(t, s)
	prov := mustChild(t, s, root, units.Province, "34")
	u := mustUser(t, s, newUser("an.nguyen", grant(access.Manager, prov), grant(access.Viewer, root)))

	t.Run("has users", func(t *testing.T) {
		if has, err := s.HasUsers(ctx()); err != nil || !has {
			t.Fatalf("HasUsers = %v, %v", has, err)
		}
	})
	t.Run("username is unique", func(t *testing.T) {
		if err := s.CreateUser(ctx(), newUser("an.nguyen")); !errs.Is(err, errs.Conflict) {
			t.Fatalf("got %v, want conflict", err)
		}
	})
	t.Run("get by id and by username keep grants with their paths", func(t *testing.T) {
		for _, get := range []func() (*access.User, error){
			func() (*access.User, error) { return s.GetUser(ctx(), u.ID) },
			func() (*access.User, error) { return s.GetUserByUsername(ctx(), "an.nguyen") },
		} {
			got, err := get()
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != u.ID || got.DisplayName != u.DisplayName || got.PasswordHash != u.PasswordHash || got.Version != 1 {
				t.Fatalf("got %+v", got)
			}
			if len(got.Grants) != 2 || got.Grants[0].Role != access.Manager || got.Grants[0].UnitID != prov.ID ||
				!slices.Equal(got.Grants[0].Path, prov.Path) {
				t.Fatalf("grants = %+v", got.Grants)
			}
		}
		if _, err := s.GetUser(ctx(), "0000000000000000"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("missing user: %v", err)
		}
		if _, err := s.GetUserByUsername(ctx(), "nobody"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("missing username: %v", err)
		}
	})
	t.Run("update is compare-and-swap and replaces grants", func(t *testing.T) {
		next := *u
		next.DisplayName, next.Version = "Nguyễn Văn Bình", 2
		next.Grants = []access.Grant{grant(access.Editor, prov)}
		if err := s.UpdateUser(ctx(), &next); err != nil {
			t.Fatal(err)
		}
		stale := *u
		stale.Version = 2
		if err := s.UpdateUser(ctx(), &stale); !errs.Is(err, errs.VersionMismatch) {
			t.Fatalf("stale: got %v", err)
		}
		got, _ := s.GetUser(ctx(), u.ID)
		if got.DisplayName != "Nguyễn Văn Bình" || len(got.Grants) != 1 || got.Grants[0].Role != access.Editor {
			t.Fatalf("got %+v", got)
		}
		// the old grant on the root no longer puts the user under the root only
		res, _ := s.ListUsers(ctx(), []string{prov.ID}, page.Request{Limit: 10})
		if !slices.Equal(usernames(res.Items), []string{"an.nguyen"}) {
			t.Fatalf("listed %v", usernames(res.Items))
		}
		missing := next
		missing.ID, missing.Version = "0000000000000000", 3
		if err := s.UpdateUser(ctx(), &missing); !errs.Is(err, errs.NotFound) {
			t.Fatalf("update missing: %v", err)
		}
	})
	t.Run("disabled is kept, created and updated", func(t *testing.T) {
		d := newUser("was.disabled", grant(access.Viewer, prov))
		d.Disabled = true
		mustUser(t, s, d)
		if got, err := s.GetUserByUsername(ctx(), "was.disabled"); err != nil || !got.Disabled {
			t.Fatalf("created disabled: %+v %v", got, err)
		}
		if got, _ := s.GetUser(ctx(), u.ID); got.Disabled {
			t.Fatal("an account created enabled reads disabled")
		}
		next := *d
		next.Disabled, next.Version = false, 2
		if err := s.UpdateUser(ctx(), &next); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetUser(ctx(), d.ID); got.Disabled || got.Version != 2 {
			t.Fatalf("re-enabled: %+v", got)
		}
		next.Disabled, next.Version = true, 3
		if err := s.UpdateUser(ctx(), &next); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetUser(ctx(), d.ID); !got.Disabled {
			t.Fatalf("disabled again: %+v", got)
		}
	})
	t.Run("delete", func(t *testing.T) {
		v := mustUser(t, s, newUser("to.delete", grant(access.Viewer, prov)))
		if err := s.DeleteUser(ctx(), v.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetUser(ctx(), v.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("after delete: %v", err)
		}
		if err := s.DeleteUser(ctx(), v.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("second delete: %v", err)
		}
		res, _ := s.ListUsers(ctx(), []string{prov.ID}, page.Request{Limit: 10})
		if slices.Contains(usernames(res.Items), "to.delete") {
			t.Fatal("deleted user still listed")
		}
	})
}

// Two provinces in one database: a list for one never shows the other's.
func testUserScopeIsolation(t *testing.T, open Opener) {
	s := open(t)
	root := mustRoot(t, s)
	a := mustChild(t, s, root, units.Province, "34")
	aDist := mustChild(t, s, a, units.District, "336")
	b := mustChild(t, s, root, units.Province, "33")
	bDist := mustChild(t, s, b, units.District, "323")
	mustUser(t, s, newUser("admin", grant(access.Admin, root)))
	mustUser(t, s, newUser("a.manager", grant(access.Manager, a)))
	mustUser(t, s, newUser("a.editor", grant(access.Editor, aDist)))
	mustUser(t, s, newUser("b.manager", grant(access.Manager, b)))
	mustUser(t, s, newUser("b.editor", grant(access.Editor, bDist)))
	mustUser(t, s, newUser("both", grant(access.Viewer, aDist), grant(access.Viewer, bDist)))

	cases := []struct {
		under []string
		want  []string
	}{
		{[]string{a.ID}, []string{"a.editor", "a.manager", "both"}},
		{[]string{b.ID}, []string{"b.editor", "b.manager", "both"}},
		{[]string{aDist.ID}, []string{"a.editor", "both"}},
		{[]string{aDist.ID, bDist.ID}, []string{"a.editor", "b.editor", "both"}},
		{[]string{root.ID}, []string{"a.editor", "a.manager", "admin", "b.editor", "b.manager", "both"}},
		{nil, []string{}},
	}
	for _, c := range cases {
		res, err := s.ListUsers(ctx(), c.under, page.Request{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if got := usernames(res.Items); !slices.Equal(got, c.want) {
			t.Errorf("under %v: got %v, want %v", c.under, got, c.want)
		}
	}
}

func testUserPagination(t *testing.T, open Opener) {
	s := open(t)
	root := mustRoot(t, s)
	prov := mustChild(t, s, root, units.Province, "34")
	const n = 57
	for i := n - 1; i >= 0; i-- {
		mustUser(t, s, newUser(fmt.Sprintf("user%03d", i), grant(access.Viewer, prov), grant(access.Editor, prov)))
	}
	var got []string
	p := page.Request{Limit: 20}
	for pages := 0; pages < 5; pages++ {
		res, err := s.ListUsers(ctx(), []string{root.ID, prov.ID}, p)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, usernames(res.Items)...)
		if res.Next == "" {
			break
		}
		p.Cursor = res.Next
	}
	if len(got) != n || !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != n {
		t.Fatalf("paged %d users (want %d, each once, in order): %v", len(got), n, got)
	}
}
