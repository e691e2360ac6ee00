package access

import (
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
)

// TokenConfig names the issuer and audience of access tokens and how long
// they live.
type TokenConfig struct {
	Issuer   string
	Audience string
	TTL      time.Duration
}

// Tokens mints and verifies access tokens.
type Tokens struct {
	cfg      TokenConfig
	keys     *KeySet
	now      func() time.Time
	verified verifiedTokens
}

// NewTokens returns a token minter/verifier.
func NewTokens(cfg TokenConfig, keys *KeySet, now func() time.Time) *Tokens {
	return &Tokens{cfg: cfg, keys: keys, now: now}
}

// Keys returns the key set (for JWKS).
func (t *Tokens) Keys() *KeySet { return t.keys }

// TTL is how long an access token lives.
func (t *Tokens) TTL() time.Duration { return t.cfg.TTL }

// verifyLeeway is the clock skew Verify forgives on exp and iat.
const verifyLeeway = 30 * time.Second

// claims are an access token's: the registered ones plus the login (the
// refresh-token family) the token belongs to. Authentication checks that
// login on every request, so that ending it (logout, a password change,
// reuse of a refresh token) ends its access tokens at once, whatever their
// iat: iat has whole seconds only and cannot order a token against a
// change made in the same second.
type claims struct {
	jwt.RegisteredClaims
	LoginID string `json:"sid"`
}

// Mint signs an access token for userID within the login loginID.
func (t *Tokens) Mint(userID, loginID string) (string, error) {
	now := t.now()
	claims := claims{RegisteredClaims: jwt.RegisteredClaims{
		Issuer:    t.cfg.Issuer,
		Subject:   userID,
		Audience:  jwt.ClaimStrings{t.cfg.Audience},
		ExpiresAt: jwt.NewNumericDate(now.Add(t.cfg.TTL)),
		IssuedAt:  jwt.NewNumericDate(now),
		ID:        ids.New(),
	}, LoginID: loginID}
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims)
	tok.Header["kid"] = t.keys.signKID
	return tok.SignedString(t.keys.signKey)
}

// Verify checks an access token and returns its subject and login. The
// algorithm is pinned to EdDSA (so "none" and HS256-with-the-public-key are
// refused), the key is chosen by kid, and iss, aud, exp and the login are
// required.
func (t *Tokens) Verify(raw string) (userID, loginID string, err error) {
	if v, ok := t.verified.get(raw, t.now()); ok {
		return v.userID, v.loginID, nil
	}
	var claims claims
	_, err = jwt.ParseWithClaims(raw, &claims, func(tok *jwt.Token) (any, error) {
		kid, _ := tok.Header["kid"].(string)
		k, ok := t.keys.public[kid]
		if !ok {
			return nil, fmt.Errorf("unknown kid %q", kid)
		}
		return k, nil
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(t.cfg.Issuer),
		jwt.WithAudience(t.cfg.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(verifyLeeway),
		jwt.WithTimeFunc(t.now),
	)
	if err != nil || claims.Subject == "" || claims.LoginID == "" {
		return "", "", errs.E(errs.Unauthenticated, "the access token is not valid")
	}
	t.verified.put(raw, verifiedToken{userID: claims.Subject, loginID: claims.LoginID,
		validUntil: claims.ExpiresAt.Add(verifyLeeway)})
	return claims.Subject, claims.LoginID, nil
}
