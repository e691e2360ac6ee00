package vntext

import "testing"

func TestRefusal(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		ok   bool
	}{
		{"Vietnamese, composed", "Nguyễn Thị Lan", true},
		{"Vietnamese, decomposed", "Nguye\u0302\u0303n", true},
		{"punctuation and digits", "Số 12, ngõ 3/4 - Hà Nội (cũ)", true},
		{"empty", "", true},
		{"NUL", "An\x00", false},
		{"BEL", "An\a", false},
		{"line break", "An\nBình", false},
		{"tab", "An\tBình", false},
		{"DEL", "An\x7f", false},
		{"C1 control", "An\u0085", false},
		{"right-to-left override", "An\u202Egpj.exe", false},
		{"left-to-right isolate", "An\u2066", false},
		{"right-to-left mark", "An\u200F", false},
		{"zero-width space", "An\u200BBình", false},
		{"zero-width joiner", "An\u200D", false},
		{"byte order mark", "\uFEFFAn", false},
		{"soft hyphen", "An\u00ADBình", false},
		{"line separator", "An\u2028", false},
		{"private use", "An\uE000", false},
		{"invalid UTF-8", "An\xff", false},
		{"replacement character", "An\uFFFD", false},
	} {
		if got := Refusal(tc.in) == ""; got != tc.ok {
			t.Errorf("%s: Refusal(%q) = %q, want accepted %v", tc.name, tc.in, Refusal(tc.in), tc.ok)
		}
	}
}
