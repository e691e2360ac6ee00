package access

import (
	"context"
	"time"

	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
)

// Caller is an authenticated request's user and scope.
type Caller struct {
	User  *User
	Scope *Scope
}

// TokenPair is what login and refresh answer.
type TokenPair struct {
	AccessToken  string
	ExpiresIn    int // seconds
	RefreshToken string
}

// AuthConfig sets how long refresh tokens live and how failed logins are
// limited.
type AuthConfig struct {
	RefreshTTL         time.Duration
	MaxFailuresPerUser int
	MaxFailuresPerAddr int
	FailureWindow      time.Duration
}

// Auth signs people in and turns access tokens into callers.
type Auth struct {
	cfg     AuthConfig
	users   UserStore
	refresh RefreshStore
	tokens  *Tokens
	byUser  *FailureLimiter
	byAddr  *FailureLimiter
	now     func() time.Time
}

// NewAuth wires the sign-in service.
func NewAuth(cfg AuthConfig, users UserStore, refresh RefreshStore, tokens *Tokens, now func() time.Time) *Auth {
	return &Auth{
		cfg: cfg, users: users, refresh: refresh, tokens: tokens, now: now,
		byUser: NewFailureLimiter(cfg.MaxFailuresPerUser, cfg.FailureWindow, now),
		byAddr: NewFailureLimiter(cfg.MaxFailuresPerAddr, cfg.FailureWindow, now),
	}
}

// Tokens returns the access-token minter (for JWKS and tests).
func (a *Auth) Tokens() *Tokens { return a.tokens }

func tooMany(wait time.Duration) error {
	e := errs.E(errs.TooManyRequests, "too many failed logins; try again later")
	e.RetryAfterSeconds = int(wait/time.Second) + 1
	return e
}

// Login checks a password and starts a login (a refresh-token family).
// Repeated failures for a username or from an address answer
// too_many_requests until the window passes.
func (a *Auth) Login(ctx context.Context, username, password, addr string) (*TokenPair, error) {
	username = normalizeUsername(username)
	userKey, addrKey := "u:"+username, "a:"+addr
	if ok, wait := a.byUser.Take(userKey); !ok {
		return nil, tooMany(wait)
	}
	if ok, wait := a.byAddr.Take(addrKey); !ok {
		a.byUser.Undo(userKey)
		return nil, tooMany(wait)
	}
	u, err := a.users.GetUserByUsername(ctx, username)
	if err != nil && !errs.Is(err, errs.NotFound) {
		a.byUser.Undo(userKey)
		a.byAddr.Undo(addrKey)
		return nil, err
	}
	hash := dummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	if !CheckPassword(hash, password) || u == nil {
		return nil, errs.E(errs.InvalidCredentials, "wrong username or password")
	}
	a.byUser.Reset(userKey)
	a.byAddr.Undo(addrKey)
	family := ids.New()
	pair, err := a.issue(ctx, u.ID, family)
	if err != nil {
		return nil, err
	}
	// A password changed while this one was being checked ends the logins
	// of the old password, but this one did not exist yet: look again.
	if now, err := a.users.GetUser(ctx, u.ID); err != nil || now.PasswordHash != u.PasswordHash {
		if rerr := a.refresh.RevokeRefreshFamily(ctx, family); rerr != nil {
			return nil, rerr
		}
		if err != nil && !errs.Is(err, errs.NotFound) {
			return nil, err
		}
		return nil, errs.E(errs.InvalidCredentials, "wrong username or password")
	}
	return pair, nil
}

func (a *Auth) issue(ctx context.Context, userID, family string) (*TokenPair, error) {
	access, err := a.tokens.Mint(userID)
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
	if _, err := a.users.GetUser(ctx, rt.UserID); err != nil {
		if errs.Is(err, errs.NotFound) {
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
// current grants, so that a revoked grant takes effect at once.
func (a *Auth) Authenticate(ctx context.Context, token string) (*Caller, error) {
	sub, err := a.tokens.Verify(token)
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
	return &Caller{User: u, Scope: NewScope(u.ID, u.Grants)}, nil
}

// PurgeExpired removes refresh tokens that expired a whole token lifetime
// ago, so that the table does not grow with every login forever. The grace
// keeps a used token a login's thief might replay for as long as the
// login's newest token can be alive, so that the replay still revokes it.
func (a *Auth) PurgeExpired(ctx context.Context) (int, error) {
	return a.refresh.DeleteExpiredRefreshTokens(ctx, a.now().Add(-a.cfg.RefreshTTL))
}
