package units

import "testing"

func TestLevelBelow(t *testing.T) {
	cases := []struct {
		child, parent Level
		want          bool
	}{
		{Province, Central, true},
		{District, Province, true},
		{Commune, Province, true}, // skipped district: the 2025 reform
		{Branch, Central, true},
		{Branch, Commune, true},
		{Province, Province, false},
		{District, Commune, false},
		{Central, Central, false},
		{"hamlet", Province, false},
		{Branch, "hamlet", false},
	}
	for _, c := range cases {
		if got := c.child.Below(c.parent); got != c.want {
			t.Errorf("%s below %s = %v, want %v", c.child, c.parent, got, c.want)
		}
	}
}

func TestCleanName(t *testing.T) {
	cases := map[string]string{
		"Tie\u0302\u0300n Ha\u0309i": "Ti\u1ec1n H\u1ea3i",
		"  Xã   Đông\tHoàng  ":       "Xã Đông Hoàng",
		"Ti\u1ec1n H\u1ea3i":         "Ti\u1ec1n H\u1ea3i",
		"":                           "",
	}
	for in, want := range cases {
		if got := CleanName(in); got != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, got, want)
		}
	}
}
