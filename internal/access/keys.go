package access

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"sort"
	"time"

	"github.com/sohoi/sohoi/internal/ids"
)

// SigningKey is a key that signs access tokens. It is kept in the database
// so that every instance and every restart signs and verifies with the same
// keys; whoever can read the database can therefore mint tokens, which is
// why backups must be protected like the database itself.
type SigningKey struct {
	ID         string // the JWT "kid"
	Algorithm  string // "EdDSA"
	PrivateKey []byte // PKCS #8 DER
	CreatedAt  time.Time
}

// KeyStore keeps signing keys.
type KeyStore interface {
	// CreateSigningKey inserts k.
	CreateSigningKey(ctx context.Context, k *SigningKey) error
	// ListSigningKeys returns every key, oldest first.
	ListSigningKeys(ctx context.Context) ([]*SigningKey, error)
}

// KeySet is the loaded signing keys: the oldest signs, all verify.
type KeySet struct {
	signKID string
	signKey ed25519.PrivateKey
	public  map[string]ed25519.PublicKey
	order   []string
}

// LoadKeys reads the keys, creating the first one on a new database. When
// two instances start at once both may create one; both keys then verify
// and both instances sign with the older, so the outcome is the same.
func LoadKeys(ctx context.Context, store KeyStore, now time.Time) (*KeySet, error) {
	keys, err := store.ListSigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		der, err := x509.MarshalPKCS8PrivateKey(priv)
		if err != nil {
			return nil, err
		}
		k := &SigningKey{ID: ids.New(), Algorithm: "EdDSA", PrivateKey: der, CreatedAt: now.UTC()}
		if err := store.CreateSigningKey(ctx, k); err != nil {
			return nil, err
		}
		if keys, err = store.ListSigningKeys(ctx); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(keys, func(i, j int) bool { return keys[i].CreatedAt.Before(keys[j].CreatedAt) })
	ks := &KeySet{public: map[string]ed25519.PublicKey{}}
	for _, k := range keys {
		parsed, err := x509.ParsePKCS8PrivateKey(k.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("signing key %s: %w", k.ID, err)
		}
		priv, ok := parsed.(ed25519.PrivateKey)
		if !ok || k.Algorithm != "EdDSA" {
			return nil, fmt.Errorf("signing key %s: not an Ed25519 key", k.ID)
		}
		if ks.signKey == nil {
			ks.signKID, ks.signKey = k.ID, priv
		}
		ks.public[k.ID] = priv.Public().(ed25519.PublicKey)
		ks.order = append(ks.order, k.ID)
	}
	return ks, nil
}

// JWK is one public key in the JWKS document.
type JWK struct {
	KeyType   string `json:"kty"`
	Curve     string `json:"crv"`
	X         string `json:"x"`
	KeyID     string `json:"kid"`
	Algorithm string `json:"alg"`
	Use       string `json:"use"`
}

// JWKS returns the public keys, for /.well-known/jwks.json.
func (ks *KeySet) JWKS() []JWK {
	out := make([]JWK, 0, len(ks.order))
	for _, kid := range ks.order {
		out = append(out, JWK{KeyType: "OKP", Curve: "Ed25519", X: base64.RawURLEncoding.EncodeToString(ks.public[kid]),
			KeyID: kid, Algorithm: "EdDSA", Use: "sig"})
	}
	return out
}
