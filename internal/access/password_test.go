package access

import (
	"testing"
	"time"
)

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("mật khẩu dài đủ")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword("mật khẩu dài đủ")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	cases := []struct {
		hash, pw string
		want     bool
	}{
		{h, "mật khẩu dài đủ", true},
		{h, "mật khẩu dài đu", false},
		{h, "", false},
		{"$argon2id$v=19$m=19456,t=2,p=1$bad", "x", false},
		{"plain-text", "plain-text", false},
	}
	for _, c := range cases {
		if got := CheckPassword(c.hash, c.pw); got != c.want {
			t.Errorf("CheckPassword(%q, %q) = %v", c.hash, c.pw, got)
		}
	}
}

func TestFailureLimiter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewFailureLimiter(3, time.Minute, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if ok, _ := l.Take("k"); !ok {
			t.Fatalf("refused after %d attempts", i)
		}
	}
	if ok, wait := l.Take("k"); ok || wait != time.Minute {
		t.Fatalf("after 3 attempts: ok=%v wait=%v", ok, wait)
	}
	if ok, _ := l.Take("other"); !ok {
		t.Fatal("another key is blocked")
	}
	now = now.Add(time.Minute)
	if ok, _ := l.Take("k"); !ok {
		t.Fatal("still blocked after the window")
	}
	l.Take("k")
	l.Take("k")
	l.Reset("k")
	if ok, _ := l.Take("k"); !ok {
		t.Fatal("blocked after reset")
	}
}

// Attempts are counted before the password is checked, so concurrent
// guesses cannot all slip in before the first failure is recorded.
func TestLimiterCountsAttemptsFirst(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewFailureLimiter(3, time.Minute, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if ok, _ := l.Take("k"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if ok, wait := l.Take("k"); ok || wait != time.Minute {
		t.Fatalf("fourth attempt: %v %v", ok, wait)
	}
	l.Undo("k")
	if ok, _ := l.Take("k"); !ok {
		t.Fatal("an attempt given back was not available again")
	}
}
