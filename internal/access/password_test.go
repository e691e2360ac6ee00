package access

import (
	"testing"
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
