package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/members"
	"github.com/sohoi/sohoi/internal/page"
)

// An error out of a store says which operation failed (so that a 500's
// log line does), and keeps what callers test: its code, or the driver's
// or context's error beneath.
func testErrorsNameTheOperation(t *testing.T, open Opener) {
	s := open(t)
	tr := mustTree(t, s)
	m := mustMember(t, s, tr.a, "Trần Văn Bình", "")
	cancelled, cancel := context.WithCancel(ctx())
	cancel()
	stale := *tr.a
	stale.Version = 7
	cases := []struct {
		op   string
		err  error
		code errs.Code
		is   error
	}{
		{"GetUnit", func() error { _, err := s.GetUnit(ctx(), "nope"); return err }(), errs.NotFound, nil},
		{"GetMember", func() error { _, err := s.GetMember(ctx(), "nope", members.Everywhere); return err }(), errs.NotFound, nil},
		{"UpdateUnit", s.UpdateUnit(ctx(), &stale), errs.VersionMismatch, nil},
		{"CreateUser", func() error {
			if err := s.CreateUser(ctx(), newUser("lan")); err != nil {
				t.Fatal(err)
			}
			return s.CreateUser(ctx(), newUser("lan"))
		}(), errs.Conflict, nil},
		{"ListMembers", func() error {
			_, err := s.ListMembers(cancelled, members.Query{Path: tr.a.Path, Page: page.Request{Limit: 5}})
			return err
		}(), errs.Internal, context.Canceled},
		{"MemberHistory", func() error { _, err := s.MemberHistory(cancelled, m.ID, members.Everywhere); return err }(), errs.Internal, context.Canceled},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: no error", c.op)
			continue
		}
		if !strings.Contains(c.err.Error(), ": "+c.op) {
			t.Errorf("%s: %q does not name the operation", c.op, c.err)
		}
		if got := errs.CodeOf(c.err); got != c.code {
			t.Errorf("%s: code %s, want %s (%v)", c.op, got, c.code, c.err)
		}
		if c.is != nil && !errors.Is(c.err, c.is) {
			t.Errorf("%s: %v is not %v", c.op, c.err, c.is)
		}
	}
}
