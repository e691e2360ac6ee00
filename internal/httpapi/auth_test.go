package httpapi_test

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestLoginRefreshLogout(t *testing.T) {
	e := newEnv(t)
	pair := e.loginPair("admin", adminPassword)
	if pair.TokenType != "Bearer" || pair.ExpiresIn != 900 || pair.RefreshToken == "" {
		t.Fatalf("login answer %+v", pair)
	}
	var me struct {
		Username string
		Grants   []struct{ Role, UnitID string }
	}
	e.expect(e.do("GET", "/api/v1/me", pair.AccessToken, nil), 200).decode(t, &me)
	if me.Username != "admin" || len(me.Grants) != 1 || me.Grants[0].Role != "admin" || me.Grants[0].UnitID != "root" {
		t.Fatalf("me = %+v", me)
	}

	e.expect(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong-password"}), 401, "invalid_credentials")
	e.expect(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "nobody", "password": "wrong-password"}), 401, "invalid_credentials")

	// Rotation: the new pair works, the old refresh token does not.
	var next tokens
	e.expect(e.do("POST", "/api/v1/auth/refresh", "", map[string]string{"refreshToken": pair.RefreshToken}), 200).decode(t, &next)
	if next.RefreshToken == pair.RefreshToken || next.AccessToken == "" {
		t.Fatal("refresh did not rotate the refresh token")
	}
	e.expect(e.do("GET", "/api/v1/me", next.AccessToken, nil), 200)

	// Reuse: presenting the used token again revokes the whole login, so
	// the newest refresh token of that login stops working too.
	e.expect(e.do("POST", "/api/v1/auth/refresh", "", map[string]string{"refreshToken": pair.RefreshToken}), 401, "unauthenticated")
	e.expect(e.do("POST", "/api/v1/auth/refresh", "", map[string]string{"refreshToken": next.RefreshToken}), 401, "unauthenticated")

	// Another login is not affected; logout ends it.
	other := e.loginPair("admin", adminPassword)
	e.expect(e.do("POST", "/api/v1/auth/logout", "", map[string]string{"refreshToken": other.RefreshToken}), 204)
	e.expect(e.do("POST", "/api/v1/auth/refresh", "", map[string]string{"refreshToken": other.RefreshToken}), 401)
	e.expect(e.do("POST", "/api/v1/auth/refresh", "", map[string]string{"refreshToken": "made-up"}), 401)
}

func TestRefusedAccessTokens(t *testing.T) {
	e := newEnv(t)
	valid := e.admin
	parts := strings.Split(valid, ".")
	b64 := base64.RawURLEncoding

	// the real signing key, to forge tokens that differ in one claim only
	keys, err := e.app.Store.ListSigningKeys(t.Context())
	if err != nil || len(keys) == 0 {
		t.Fatal(keys, err)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(keys[0].PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	priv := parsed.(ed25519.PrivateKey)
	signed := func(claims jwt.MapClaims) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
		tok.Header["kid"] = keys[0].ID
		s, err := tok.SignedString(priv)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	var claims jwt.MapClaims
	payload, _ := b64.DecodeString(parts[1])
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	with := func(k string, v any) jwt.MapClaims {
		c := jwt.MapClaims{}
		for key, val := range claims {
			c[key] = val
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}

	var jwks struct {
		Keys []struct{ X, Kid, Alg string }
	}
	e.expect(e.do("GET", "/.well-known/jwks.json", "", nil), 200).decode(t, &jwks)
	if len(jwks.Keys) != 1 || jwks.Keys[0].Kid != keys[0].ID || jwks.Keys[0].Alg != "EdDSA" {
		t.Fatalf("jwks %+v", jwks)
	}
	pub, _ := b64.DecodeString(jwks.Keys[0].X)
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	hs.Header["kid"] = keys[0].ID
	hsToken, _ := hs.SignedString(pub)

	tamperedClaims := with("sub", "0000000000000000")
	tamperedPayload, _ := json.Marshal(tamperedClaims)
	noneHeader := b64.EncodeToString([]byte(`{"alg":"none","typ":"JWT","kid":"` + keys[0].ID + `"}`))
	hour := time.Hour

	cases := map[string]string{
		"alg none":                         noneHeader + "." + parts[1] + ".",
		"HS256 signed with the public key": hsToken,
		"tampered payload":                 parts[0] + "." + b64.EncodeToString(tamperedPayload) + "." + parts[2],
		"expired":                          signed(with("exp", time.Now().Add(-hour).Unix())),
		"no expiry":                        signed(with("exp", nil)),
		"another audience":                 signed(with("aud", []string{"other-api"})),
		"another issuer":                   signed(with("iss", "someone-else")),
		"unknown kid":                      strings.Replace(valid, parts[0], b64.EncodeToString([]byte(`{"alg":"EdDSA","kid":"nope","typ":"JWT"}`)), 1),
		"garbage":                          "not-a-token",
		"signature of another token":       parts[0] + "." + parts[1] + "." + strings.Split(signed(with("jti", "x")), ".")[2],
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			r := e.expect(e.do("GET", "/api/v1/me", tok, nil), 401, "unauthenticated")
			if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Fatal("no WWW-Authenticate header")
			}
		})
	}
	e.expect(e.do("GET", "/api/v1/me", "", nil), 401, "unauthenticated")
	e.expect(e.do("GET", "/api/v1/me", signed(claims), nil), 200) // the control: same claims, real key
}

func TestRepeatedFailedLoginsAreLimited(t *testing.T) {
	e := newEnv(t)
	for i := range 5 {
		e.expect(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong-password"}), 401, "invalid_credentials")
		_ = i
	}
	r := e.expect(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": "wrong-password"}), 429, "too_many_requests")
	if r.header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	// Even the right password waits until the window passes.
	e.expect(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "admin", "password": adminPassword}), 429)
}

// A new password ends every login made with the old one.
func TestPasswordChangeEndsLogins(t *testing.T) {
	e := newEnv(t)
	prov := e.mustUnit("root", "province", "34")
	e.mustUser("chair", "editor", prov.ID)
	pair := e.loginPair("chair", "password-chair")
	var me struct{ ID string }
	e.expect(e.do("GET", "/api/v1/me", pair.AccessToken, nil), 200).decode(t, &me)
	e.expect(e.do("PATCH", "/api/v1/users/"+me.ID, pair.AccessToken, map[string]string{"password": "a-brand-new-password"}), 200)
	e.expect(e.do("POST", "/api/v1/auth/refresh", "", map[string]string{"refreshToken": pair.RefreshToken}), 401, "unauthenticated")
	e.loginPair("chair", "a-brand-new-password")
}
