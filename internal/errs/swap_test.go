package errs

import (
	"errors"
	"testing"
)

func TestSwapMissed(t *testing.T) {
	gone := E(NotFound, "unit not found")
	failed := errors.New("connection lost")
	cases := []struct {
		name   string
		stored func() (int, error)
		want   Code
		detail string
	}{
		{"changed meanwhile", func() (int, error) { return 4, nil }, VersionMismatch, "unit u1 is at version 4, not 2"},
		{"gone", func() (int, error) { return 0, gone }, NotFound, "unit not found"},
		{"cannot tell", func() (int, error) { return 0, failed }, Internal, ""},
	}
	for _, c := range cases {
		err := SwapMissed("unit", "u1", 2, c.stored)
		if CodeOf(err) != c.want {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
		if e := As(err); c.detail != "" && (e == nil || e.Detail != c.detail) {
			t.Errorf("%s: detail of %v, want %q", c.name, err, c.detail)
		}
	}
}
