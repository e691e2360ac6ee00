package access

import (
	"sync"
	"time"
)

// maxVerified bounds the tokens remembered as verified: a few per user
// active at once. When full it is emptied, and the tokens in use are
// verified once more each.
const maxVerified = 8192

// verifiedTokens remembers the access tokens whose signature and claims
// were checked, until they expire, so that the Ed25519 verification and
// the parsing of the token's JSON are paid once per token, not per
// request: together 6 % of the server's CPU under the issue-15 reads
// (pprof, README "Load test"), where every client sends one token many
// times.
//
// Only a token that passed Verify is remembered, by its exact text, with
// the expiry it carries; the key set does not change while the server
// runs (a new signing key comes with a restart), so what made it valid
// holds until it expires. Whether its login and user are still valid is
// not remembered: Authenticate asks the store on every request.
type verifiedTokens struct {
	mu     sync.Mutex
	tokens map[string]verifiedToken
}

type verifiedToken struct {
	userID, loginID string
	validUntil      time.Time // expiry plus the leeway Verify allows
}

func (v *verifiedTokens) get(raw string, now time.Time) (verifiedToken, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	t, ok := v.tokens[raw]
	if !ok {
		return verifiedToken{}, false
	}
	if !now.Before(t.validUntil) {
		delete(v.tokens, raw)
		return verifiedToken{}, false
	}
	return t, true
}

func (v *verifiedTokens) put(raw string, t verifiedToken) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.tokens == nil || len(v.tokens) >= maxVerified {
		v.tokens = make(map[string]verifiedToken)
	}
	v.tokens[raw] = t
}
