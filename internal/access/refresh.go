package access

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// RefreshToken is one link of a login's chain of refresh tokens. Only a
// hash of the secret is stored. All tokens of one login share a FamilyID:
// presenting a used token again means it was stolen, and revokes the family.
type RefreshToken struct {
	ID        string // hex SHA-256 of the secret
	FamilyID  string
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
	Used      bool
	Revoked   bool
}

// RefreshStore keeps refresh tokens.
type RefreshStore interface {
	CreateRefreshToken(ctx context.Context, t *RefreshToken) error
	// UseRefreshToken atomically marks the token used and returns it as it
	// was before. A token that was already used is returned with
	// alreadyUsed=true and left as it is; an unknown one is errs.NotFound.
	UseRefreshToken(ctx context.Context, id string) (t *RefreshToken, alreadyUsed bool, err error)
	// RevokeRefreshFamily revokes every token of a login.
	RevokeRefreshFamily(ctx context.Context, familyID string) error
	// RefreshFamilyRevoked reports whether any token of a login is revoked.
	RefreshFamilyRevoked(ctx context.Context, familyID string) (bool, error)
	// RevokeUserRefreshTokens revokes every login of a user.
	RevokeUserRefreshTokens(ctx context.Context, userID string) error
	// DeleteExpiredRefreshTokens removes tokens that expired before a time
	// and says how many.
	DeleteExpiredRefreshTokens(ctx context.Context, before time.Time) (int, error)
}

func newRefreshSecret() (secret, id string, err error) {
	b := make([]byte, 32)
	if _, err = rand.Read(b); err != nil {
		return "", "", err
	}
	secret = base64.RawURLEncoding.EncodeToString(b)
	return secret, refreshID(secret), nil
}

func refreshID(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
