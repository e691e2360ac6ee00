package access_test

import (
	"testing"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
)

// A user caller decides as its grants allow; the system may do anything.
func TestCallerDecides(t *testing.T) {
	az := access.NewAuthorizer(mustPolicy(t))
	editor := az.Caller(&access.User{ID: "u1", Grants: []access.Grant{{Role: access.Editor, UnitID: "d336"}}})
	sys := access.System("reconcile")
	inside := []string{"root", "p34", "d336", "c12436"}
	sibling := []string{"root", "p34", "d337"}
	cases := []struct {
		name string
		c    *access.Caller
		path []string
		obj  access.Object
		act  access.Action
		want errs.Code // "" for allowed
	}{
		{"editor writes members below its grant", editor, inside, access.ObjMember, access.Write, ""},
		{"editor may not write units", editor, inside, access.ObjUnit, access.Write, errs.Forbidden},
		{"a sibling is not found to the editor", editor, sibling, access.ObjMember, access.Read, errs.NotFound},
		{"the system writes units anywhere", sys, sibling, access.ObjUnit, access.Write, ""},
		{"the system runs system jobs at the root", sys, []string{"root"}, access.ObjSystem, access.Write, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.c.Authorize(c.path, c.obj, c.act, "unit")
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && !errs.Is(err, c.want):
				t.Fatalf("got %v, want %s", err, c.want)
			}
			if c.c.Allowed(c.path, c.obj, c.act) != (c.want == "") {
				t.Fatal("Allowed disagrees with Authorize")
			}
		})
	}
	if !sys.IsSystem() || editor.IsSystem() {
		t.Fatal("IsSystem mixes the system and a user up")
	}
	if editor.Covers(sibling) || !editor.Covers(inside) || !sys.Covers(sibling) {
		t.Fatal("Covers is wrong")
	}
}

// The system always says what it is doing: an unnamed job is a bug.
func TestSystemNeedsAJob(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal(`access.System("") made a caller`)
		}
	}()
	access.System("")
}

// Every not-found about one kind of object reads the same.
func TestNotFoundSameWords(t *testing.T) {
	err := access.NotFound(errs.E(errs.NotFound, "unit 06hxyz not found in the store"), "unit")
	if e, ok := err.(*errs.Error); !ok || e.Detail != "unit not found" {
		t.Fatalf("got %v", err)
	}
	other := errs.E(errs.Conflict, "busy")
	if access.NotFound(other, "unit") != error(other) {
		t.Fatal("a conflict was changed")
	}
}
