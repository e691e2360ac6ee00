package access

import (
	"context"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/errs"
)

// keysInMemory is a KeyStore holding its keys in a slice: the key set is
// built by LoadKeys exactly as the server builds it.
type keysInMemory struct{ keys []*SigningKey }

func (k *keysInMemory) ListSigningKeys(context.Context) ([]*SigningKey, error) { return k.keys, nil }
func (k *keysInMemory) CreateSigningKey(_ context.Context, s *SigningKey) error {
	k.keys = append(k.keys, s)
	return nil
}

// Remembering a verified token must not make any token valid that Verify
// would refuse: not after its expiry, not another text, not one signed by
// a key the server does not have.
func TestVerifyRemembersOnlyWhatItVerified(t *testing.T) {
	start := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	clock := start
	now := func() time.Time { return clock }
	keys, err := LoadKeys(context.Background(), &keysInMemory{}, start)
	if err != nil {
		t.Fatal(err)
	}
	cfg := TokenConfig{Issuer: "sohoi", Audience: "sohoi-api", TTL: 15 * time.Minute}
	tokens := NewTokens(cfg, keys, now)
	raw, err := tokens.Mint("user-1", "login-1")
	if err != nil {
		t.Fatal(err)
	}
	otherKeys, err := LoadKeys(context.Background(), &keysInMemory{}, start)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := NewTokens(cfg, otherKeys, now).Mint("user-1", "login-1")
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name  string
		token string
		at    time.Duration // after start
		valid bool
	}{
		{"first use", raw, 0, true},
		{"again, remembered", raw, time.Minute, true},
		{"one character changed", raw[:len(raw)-2] + flip(raw[len(raw)-2]), time.Minute, false},
		{"signed by a key this server does not have", forged, time.Minute, false},
		{"within the leeway after expiry", raw, 15*time.Minute + 20*time.Second, true},
		{"after expiry and leeway", raw, 15*time.Minute + 31*time.Second, false},
		{"still refused after being forgotten", raw, 16 * time.Minute, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock = start.Add(tc.at)
			user, login, err := tokens.Verify(tc.token)
			switch {
			case tc.valid && (err != nil || user != "user-1" || login != "login-1"):
				t.Errorf("Verify = %q, %q, %v; want user-1, login-1", user, login, err)
			case !tc.valid && !errs.Is(err, errs.Unauthenticated):
				t.Errorf("Verify = %q, %q, %v; want unauthenticated", user, login, err)
			}
		})
	}
}

func flip(b byte) string {
	if b == 'A' {
		return "B"
	}
	return "A"
}

// The memory of verified tokens stays bounded however many are used.
func TestVerifiedTokensStayBounded(t *testing.T) {
	var v verifiedTokens
	until := time.Now().Add(time.Hour)
	for i := range 3 * maxVerified {
		v.put(string(rune(i))+"token", verifiedToken{userID: "u", loginID: "l", validUntil: until})
		if n := len(v.tokens); n > maxVerified {
			t.Fatalf("after %d tokens, %d remembered: over %d", i+1, n, maxVerified)
		}
	}
}
