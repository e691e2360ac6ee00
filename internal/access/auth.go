package access

import (
	"cmp"
	"context"
	"time"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
)

// TokenPair is what login and refresh answer.
type TokenPair struct {
	AccessToken  string
	ExpiresIn    int // seconds
	RefreshToken string
}

// AuthConfig sets how long refresh tokens live and how failed logins are
// answered.
type AuthConfig struct {
	RefreshTTL time.Duration
	Limits     LoginLimits
	// Authz is the decision function every caller it authenticates carries.
	Authz *Authorizer
}

// Auth signs people in and turns access tokens into callers.
type Auth struct {
	cfg      AuthConfig
	users    UserStore
	refresh  RefreshStore
	tokens   *Tokens
	failures *FailureCounter // keys "u:username", "a:address", "p:username\x00address"
	pairs    *keyedLocks     // one attempt of a pair at a time
	addrs    *keyedLocks     // a few attempts of an address at a time
	turns    *usernameQueue  // a failing username's attempts one delay apart
	known    *knownPairs     // pairs that logged in: they skip turns
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
}

// NewAuth wires the sign-in service.
func NewAuth(cfg AuthConfig, users UserStore, refresh RefreshStore, tokens *Tokens, now func() time.Time) *Auth {
	if cfg.Limits == (LoginLimits{}) { // unset: zero limits would refuse every login
		cfg.Limits = DefaultLoginLimits()
	}
	if def := DefaultLoginLimits(); cfg.Limits.PerAddrAtOnce == 0 || cfg.Limits.KnownFor == 0 {
		// Added later than the others: configurations that set the rest
		// get these as they are by default.
		cfg.Limits.PerAddrAtOnce = cmp.Or(cfg.Limits.PerAddrAtOnce, def.PerAddrAtOnce)
		cfg.Limits.KnownFor = cmp.Or(cfg.Limits.KnownFor, def.KnownFor)
	}
	return &Auth{
		cfg: cfg, users: users, refresh: refresh, tokens: tokens, now: now,
		failures: NewFailureCounter(cfg.Limits.FailureWindow, now),
		pairs:    newKeyedLocks(1),
		addrs:    newKeyedLocks(cfg.Limits.PerAddrAtOnce),
		turns:    newUsernameQueue(),
		known:    newKnownPairs(cfg.Limits.KnownFor),
		sleep:    sleepCtx,
	}
}

// Tokens returns the access-token minter (for JWKS and tests).
func (a *Auth) Tokens() *Tokens { return a.tokens }

func tooMany(wait time.Duration) error {
	e := errs.E(errs.TooManyRequests, "too many failed logins for this username from this address; try again later")
	e.RetryAfterSeconds = int(wait/time.Second) + 1
	return e
}

func busy() error {
	e := errs.E(errs.TooManyRequests, "too many logins at once; try again shortly")
	e.RetryAfterSeconds = 1
	return e
}

func busyUsername(wait time.Duration) error {
	e := errs.E(errs.TooManyRequests, "this username is being tried from many places; try again later")
	e.RetryAfterSeconds = int(wait/time.Second) + 1
	return e
}

func invalidCredentials() error { return errs.E(errs.InvalidCredentials, "wrong username or password") }

// Login checks a password and starts a login (a refresh-token family).
// Failures slow the next logins of the username and from the address down
// and, for one (username, address) pair, end in too_many_requests until
// the window passes; see LoginLimits.
func (a *Auth) Login(ctx context.Context, username, password, addr string) (*TokenPair, error) {
	username = normalizeUsername(username)
	lim := a.cfg.Limits
	addr = addressKey(addr)
	userKey, addrKey, pairKey := "u:"+username, "a:"+addr, "p:"+username+"\x00"+addr
	byUser, _ := a.failures.Count(userKey)
	byAddr, _ := a.failures.Count(addrKey)
	wait := lim.delayFor(byAddr, lim.FreeFailuresPerAddr)
	// A username that failed too often is tried one delay apart, whatever
	// the address, unless this pair has logged in before.
	if d := lim.delayFor(byUser, lim.FreeFailuresPerUser); d > 0 && !a.known.known(pairKey, a.now()) {
		turn := a.turns.turn(userKey, a.now(), d)
		if turn > lim.HashWait {
			return nil, busyUsername(turn)
		}
		wait = max(wait, turn)
	}
	if err := a.sleep(ctx, wait); err != nil {
		return nil, err
	}
	// Attempts of one pair take turns, attempts of one address go a few at
	// a time, and every attempt waits for a free password check: all
	// queue, for at most HashWait together.
	qctx, cancel := context.WithTimeout(ctx, lim.HashWait)
	defer cancel()
	for _, l := range []struct {
		locks *keyedLocks
		key   string
	}{{a.pairs, pairKey}, {a.addrs, addrKey}} {
		unlock, err := l.locks.lock(qctx, l.key)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, busy()
		}
		defer unlock()
	}
	if n, until := a.failures.Count(pairKey); n >= lim.MaxFailuresPerPair {
		return nil, tooMany(until.Sub(a.now()))
	}
	u, err := a.users.GetUserByUsername(ctx, username)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	hash := dummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	ok, err := checkPasswordCtx(qctx, hash, password)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, busy()
	}
	if !ok || u == nil {
		for _, k := range []string{userKey, addrKey, pairKey} {
			a.failures.Add(k)
		}
		return nil, invalidCredentials()
	}
	a.failures.Reset(pairKey)
	a.known.add(pairKey, a.now())
	if u.Disabled {
		// The same answer as a wrong password: a guesser must not learn
		// that the password of a disabled account is right.
		return nil, invalidCredentials()
	}
	family := ids.New()
	pair, err := a.issue(ctx, u.ID, family)
	if err != nil {
		return nil, err
	}
	// A password changed (or the account disabled) while this one was being
	// checked ends the logins that existed then, but this one did not exist
	// yet: look again.
	if now, err := a.users.GetUser(ctx, u.ID); err != nil || now.PasswordHash != u.PasswordHash || now.Disabled {
		if rerr := a.refresh.RevokeRefreshFamily(ctx, family); rerr != nil {
			return nil, rerr
		}
		if err != nil && !errs.Is(err, errs.NotFound) {
			return nil, err
		}
		return nil, invalidCredentials()
	}
	return pair, nil
}

func (a *Auth) issue(ctx context.Context, userID, family string) (*TokenPair, error) {
	access, err := a.tokens.Mint(userID, family)
	if err != nil {
		return nil, err
	}
	secret, id, err := newRefreshSecret()
	if err != nil {
		return nil, err
	}
	now := a.now().UTC()
	rt := &RefreshToken{ID: id, FamilyID: family, UserID: userID, CreatedAt: now, ExpiresAt: now.Add(a.cfg.RefreshTTL)}
	if err := a.refresh.CreateRefreshToken(ctx, rt); err != nil {
		return nil, err
	}
	return &TokenPair{AccessToken: access, ExpiresIn: int(a.tokens.TTL() / time.Second), RefreshToken: secret}, nil
}

// Refresh trades a refresh token for a new pair. The old token stops
// working; presenting a used one again revokes the whole login.
func (a *Auth) Refresh(ctx context.Context, secret string) (*TokenPair, error) {
	invalid := errs.E(errs.Unauthenticated, "the refresh token is not valid")
	if secret == "" {
		return nil, invalid
	}
	rt, reused, err := a.refresh.UseRefreshToken(ctx, refreshID(secret))
	switch {
	case errs.Is(err, errs.NotFound):
		return nil, invalid
	case err != nil:
		return nil, err
	case reused:
		if err := a.refresh.RevokeRefreshFamily(ctx, rt.FamilyID); err != nil {
			return nil, err
		}
		return nil, errs.E(errs.Unauthenticated, "this refresh token was already used; the login has been revoked")
	case rt.Revoked || !a.now().Before(rt.ExpiresAt):
		return nil, invalid
	}
	if u, err := a.users.GetUser(ctx, rt.UserID); err != nil || u.Disabled {
		if err == nil || errs.Is(err, errs.NotFound) {
			return nil, invalid
		}
		return nil, err
	}
	pair, err := a.issue(ctx, rt.UserID, rt.FamilyID)
	if err != nil {
		return nil, err
	}
	// A reuse of this login's token detected while the new one was being
	// made revoked only the tokens that existed then: look again, now that
	// the new one exists, so that it cannot outlive the revocation.
	revoked, err := a.refresh.RefreshFamilyRevoked(ctx, rt.FamilyID)
	if err != nil {
		return nil, err
	}
	if revoked {
		if err := a.refresh.RevokeRefreshFamily(ctx, rt.FamilyID); err != nil {
			return nil, err
		}
		return nil, errs.E(errs.Unauthenticated, "this login has been revoked")
	}
	return pair, nil
}

// Logout ends the login the refresh token belongs to. An unknown token is
// not an error: the login is over either way.
func (a *Auth) Logout(ctx context.Context, secret string) error {
	if secret == "" {
		return nil
	}
	rt, _, err := a.refresh.UseRefreshToken(ctx, refreshID(secret))
	if errs.Is(err, errs.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return a.refresh.RevokeRefreshFamily(ctx, rt.FamilyID)
}

// Authenticate verifies an access token and loads the caller with its
// current grants, so that a revoked grant takes effect at once. The token's
// login must still be going: logout, reuse of a refresh token, a password
// change or reset, disabling and deleting the account end it, and with it
// every access token it issued, without waiting for them to expire.
func (a *Auth) Authenticate(ctx context.Context, token string) (*Caller, error) {
	sub, login, err := a.tokens.Verify(token)
	if err != nil {
		return nil, err
	}
	u, err := a.users.GetUser(ctx, sub)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.E(errs.Unauthenticated, "the account no longer exists")
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, errs.E(errs.Unauthenticated, "the account is disabled")
	}
	revoked, err := a.refresh.RefreshFamilyRevoked(ctx, login)
	if err != nil {
		return nil, err
	}
	if revoked {
		return nil, errs.E(errs.Unauthenticated, "this login has ended; sign in again")
	}
	return a.cfg.Authz.Caller(u), nil
}

// PurgeExpired removes refresh tokens that expired a whole token lifetime
// ago, so that the table does not grow with every login forever. The grace
// keeps a used token a login's thief might replay for as long as the
// login's newest token can be alive, so that the replay still revokes it.
func (a *Auth) PurgeExpired(ctx context.Context) (int, error) {
	// A revoked login is known by its tokens' rows: keep them at least as
	// long as an access token of that login can live.
	return a.refresh.DeleteExpiredRefreshTokens(ctx, a.now().Add(-max(a.cfg.RefreshTTL, a.tokens.TTL())))
}
