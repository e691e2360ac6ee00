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
		"no login":                         signed(with("sid", nil)),
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

// patchPassword changes a user's password as tok; current may be "" (left out).
func (e *env) patchPassword(id, tok, password, current string) *resp {
	e.t.Helper()
	body := map[string]string{"password": password}
	if current != "" {
		body["currentPassword"] = current
	}
	return e.do("PATCH", "/api/v1/users/"+id, tok, body)
}

func (e *env) meID(tok string) string {
	e.t.Helper()
	var me struct{ ID string }
	e.expect(e.do("GET", "/api/v1/me", tok, nil), 200).decode(e.t, &me)
	return me.ID
}

// A new password ends every login made with the old one, access tokens
// included, at once; a login with the new password right after (in the same
// second) works.
func TestPasswordChangeEndsLogins(t *testing.T) {
	e := newEnv(t)
	prov := e.mustUnit("root", "province", "34")
	e.mustUser("chair", "editor", prov.ID)
	pair := e.loginPair("chair", "password-chair")
	other := e.loginPair("chair", "password-chair") // another device
	id := e.meID(pair.AccessToken)
	e.expect(e.patchPassword(id, pair.AccessToken, "a-brand-new-password", "password-chair"), 200)
	e.expect(e.do("GET", "/api/v1/me", pair.AccessToken, nil), 401, "unauthenticated")
	e.expect(e.do("GET", "/api/v1/me", other.AccessToken, nil), 401, "unauthenticated")
	e.expect(e.do("POST", "/api/v1/auth/refresh", "", map[string]string{"refreshToken": pair.RefreshToken}), 401, "unauthenticated")
	e.expect(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "chair", "password": "password-chair"}), 401, "invalid_credentials")
	fresh := e.loginPair("chair", "a-brand-new-password")
	e.expect(e.do("GET", "/api/v1/me", fresh.AccessToken, nil), 200)

	// An administrator setting someone else's password needs no current one,
	// and ends that person's logins too.
	e.expect(e.patchPassword(id, e.admin, "set-by-the-admin", ""), 200)
	e.expect(e.do("GET", "/api/v1/me", fresh.AccessToken, nil), 401, "unauthenticated")
	e.expect(e.do("GET", "/api/v1/me", e.admin, nil), 200)
	e.login("chair", "set-by-the-admin")
}

// Changing one's own password needs the current one: left out or wrong, the
// answer names the field and nothing changes.
func TestOwnPasswordChangeNeedsTheCurrentOne(t *testing.T) {
	e := newEnv(t)
	prov := e.mustUnit("root", "province", "34")
	tok := e.mustUser("chair", "editor", prov.ID)
	id := e.meID(tok)
	var before struct{ Version int }
	e.expect(e.do("GET", "/api/v1/users/"+id, tok, nil), 200).decode(t, &before)
	for name, current := range map[string]string{"left out": "", "wrong": "not-the-password"} {
		t.Run(name, func(t *testing.T) {
			r := e.expect(e.patchPassword(id, tok, "a-brand-new-password", current), 400, "validation_failed")
			if !strings.Contains(string(r.body), `"field":"currentPassword"`) {
				t.Fatalf("no currentPassword error: %s", r.body)
			}
			e.expect(e.do("GET", "/api/v1/me", tok, nil), 200) // the login goes on
			var after struct{ Version int }
			e.expect(e.do("GET", "/api/v1/users/"+id, tok, nil), 200).decode(t, &after)
			if after.Version != before.Version {
				t.Fatalf("version %d after a refused change, was %d", after.Version, before.Version)
			}
			e.login("chair", "password-chair")
			e.expect(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "chair", "password": "a-brand-new-password"}), 401)
		})
	}
	// Guessing the current password with a stolen access token is limited:
	// after five wrong ones, even the right one waits.
	for range 4 { // one more was made above
		e.expect(e.patchPassword(id, tok, "a-brand-new-password", "not-the-password"), 400, "validation_failed")
	}
	r := e.expect(e.patchPassword(id, tok, "a-brand-new-password", "password-chair"), 429, "too_many_requests")
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// the administrator too, for its own account
	adminID := e.meID(e.admin)
	e.expect(e.patchPassword(adminID, e.admin, "a-brand-new-password", ""), 400, "validation_failed")
	e.expect(e.patchPassword(adminID, e.admin, "a-brand-new-password", adminPassword), 200)
	e.expect(e.do("GET", "/api/v1/me", e.admin, nil), 401, "unauthenticated")
}

// Logout ends that login's access tokens at once, and no other login's.
func TestLogoutEndsThatLoginsAccessTokens(t *testing.T) {
	e := newEnv(t)
	one := e.loginPair("admin", adminPassword)
	two := e.loginPair("admin", adminPassword)
	e.expect(e.do("POST", "/api/v1/auth/logout", "", map[string]string{"refreshToken": one.RefreshToken}), 204)
	e.expect(e.do("GET", "/api/v1/me", one.AccessToken, nil), 401, "unauthenticated")
	e.expect(e.do("GET", "/api/v1/me", two.AccessToken, nil), 200)
}

// A refresh token presented twice was stolen: every access token of that
// login stops working, those of the thief and of the owner alike.
func TestRefreshTokenReuseEndsThatLoginsAccessTokens(t *testing.T) {
	e := newEnv(t)
	first := e.loginPair("admin", adminPassword)
	other := e.loginPair("admin", adminPassword)
	var next tokens
	e.expect(e.do("POST", "/api/v1/auth/refresh", "", map[string]string{"refreshToken": first.RefreshToken}), 200).decode(t, &next)
	e.expect(e.do("GET", "/api/v1/me", next.AccessToken, nil), 200)
	e.expect(e.do("POST", "/api/v1/auth/refresh", "", map[string]string{"refreshToken": first.RefreshToken}), 401, "unauthenticated")
	e.expect(e.do("GET", "/api/v1/me", next.AccessToken, nil), 401, "unauthenticated")
	e.expect(e.do("GET", "/api/v1/me", first.AccessToken, nil), 401, "unauthenticated")
	e.expect(e.do("GET", "/api/v1/me", other.AccessToken, nil), 200)
}

// Deleting or disabling an account ends its access tokens at once; a
// disabled account cannot sign in or refresh until it is enabled again.
func TestDeletedOrDisabledAccountsTokensStop(t *testing.T) {
	e := newEnv(t)
	prov := e.mustUnit("root", "province", "34")
	gone := e.mustUser("gone", "editor", prov.ID)
	e.expect(e.do("DELETE", "/api/v1/users/"+e.meID(gone), e.admin, nil), 204)
	e.expect(e.do("GET", "/api/v1/me", gone, nil), 401, "unauthenticated")

	e.mustUser("paused", "editor", prov.ID)
	pair := e.loginPair("paused", "password-paused")
	id := e.meID(pair.AccessToken)
	var u struct {
		Disabled bool
		Version  int
	}
	e.expect(e.do("PATCH", "/api/v1/users/"+id, e.admin, map[string]any{"disabled": true}), 200).decode(t, &u)
	if !u.Disabled {
		t.Fatal("the answer does not say disabled")
	}
	e.expect(e.do("GET", "/api/v1/me", pair.AccessToken, nil), 401, "unauthenticated")
	e.expect(e.do("POST", "/api/v1/auth/refresh", "", map[string]string{"refreshToken": pair.RefreshToken}), 401, "unauthenticated")
	e.expect(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "paused", "password": "password-paused"}), 401, "invalid_credentials")
	e.expect(e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "paused", "password": "wrong-password"}), 401, "invalid_credentials")

	e.expect(e.do("PATCH", "/api/v1/users/"+id, e.admin, map[string]any{"disabled": false}), 200).decode(t, &u)
	if u.Disabled {
		t.Fatal("still disabled")
	}
	again := e.login("paused", "password-paused")
	e.expect(e.do("GET", "/api/v1/me", again, nil), 200)
	// nobody disables themselves, and an editor disables nobody
	e.expect(e.do("PATCH", "/api/v1/users/"+e.meID(e.admin), e.admin, map[string]any{"disabled": true}), 409, "conflict")
	e.expect(e.do("PATCH", "/api/v1/users/"+id, again, map[string]any{"disabled": true}), 403, "forbidden")
	e.expect(e.do("GET", "/api/v1/me", again, nil), 200)
}
