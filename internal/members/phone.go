package members

import (
	"strings"
)

// normalizePhone writes a Vietnamese phone number as its national digits
// ("+84 912 345 678", "0912.345.678" → "0912345678"); ok is false when it
// is not one.
func normalizePhone(s string) (string, bool) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "+84"):
		d = "0" + d[3:]
	case strings.HasPrefix(d, "84") && len(d) == 11:
		d = "0" + d[2:]
	}
	if strings.HasPrefix(d, "+") || !strings.HasPrefix(d, "0") || len(d) < 10 || len(d) > 11 {
		return "", false
	}
	return d, true
}
