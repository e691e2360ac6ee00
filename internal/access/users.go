package access

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/sohoi/sohoi/internal/audit"
	"github.com/sohoi/sohoi/internal/errs"
	"github.com/sohoi/sohoi/internal/ids"
	"github.com/sohoi/sohoi/internal/page"
	"github.com/sohoi/sohoi/internal/unitpath"
	"github.com/sohoi/sohoi/internal/vntext"
)

// UnitPaths finds where units lie, to check and record where grants apply.
// (The units service is one; access cannot import it, as it imports access.)
type UnitPaths interface {
	// PathOf is the path of unit id (its ancestors and itself, root first),
	// or errs.NotFound when it does not exist or lies outside c's scope.
	PathOf(ctx context.Context, c *Caller, id string) (unitpath.Path, error)
	// RootPath is the path of the root unit.
	RootPath(ctx context.Context, c *Caller) (unitpath.Path, error)
}

// Users manages accounts and grants within the caller's scope.
type Users struct {
	store   UserStore
	refresh RefreshStore
	units   UnitPaths
	authz   *Authorizer
	now     func() time.Time
	log     audit.Log // never nil: every change of an account is recorded
	// wrongCurrent counts wrong current passwords per account: a stolen
	// access token must not become a way to guess the password.
	wrongCurrent *FailureCounter
}

// Wrong current passwords allowed per account and window before a
// password change answers 429.
const (
	maxWrongCurrentPasswords = 5
	wrongCurrentWindow       = 15 * time.Minute
)

// NewUsers wires the account service.
func NewUsers(store UserStore, refresh RefreshStore, units UnitPaths, authz *Authorizer, log audit.Log, now func() time.Time) *Users {
	return &Users{store: store, refresh: refresh, units: units, authz: authz, now: now, log: audit.Required("access.NewUsers", log),
		wrongCurrent: NewFailureCounter(wrongCurrentWindow, now)}
}

// GrantInput is a grant as a client asks for it.
type GrantInput struct {
	Role   Role
	UnitID string
}

// NewUser is the input of Create.
type NewUser struct {
	Username    string
	Password    string
	DisplayName string
	Grants      []GrantInput
}

// UserPatch holds the fields PATCH may change; nil means unchanged.
type UserPatch struct {
	DisplayName *string
	Password    *string
	// CurrentPassword must accompany a change of one's own password, so
	// that a borrowed session (an unlocked screen, a stolen access token)
	// cannot take the account over.
	CurrentPassword *string
	Grants          *[]GrantInput
	Disabled        *bool
}

func normalizeUsername(s string) string {
	return strings.ToLower(strings.TrimSpace(norm.NFC.String(s)))
}

func checkUsername(f *errs.Fields, s string) {
	if n := len(s); n < 3 || n > 64 {
		f.Add("username", "must be 3 to 64 characters")
		return
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@", r)) {
			f.Add("username", "may hold only a-z, 0-9, '.', '_', '-' and '@'")
			return
		}
	}
}

func checkPassword(f *errs.Fields, pw string) {
	if n := utf8.RuneCountInString(pw); n < 10 || n > 128 {
		f.Add("password", "must be 10 to 128 characters")
	}
}

func cleanDisplayName(f *errs.Fields, s string) string {
	vntext.Check(f.Add, "displayName", s)
	s = strings.Join(strings.Fields(norm.NFC.String(s)), " ")
	if utf8.RuneCountInString(s) > 200 {
		f.Add("displayName", "must be at most 200 characters")
	}
	return s
}

// resolveGrants checks every requested grant against the caller: the unit
// must exist in the caller's scope (else it is reported as not found) and
// the caller must be allowed to hand out that role there.
func (s *Users) resolveGrants(ctx context.Context, c *Caller, in []GrantInput, f *errs.Fields) ([]Grant, error) {
	if len(in) == 0 {
		f.Add("grants", "at least one grant is required")
		return nil, nil
	}
	if len(in) > 100 {
		f.Add("grants", "at most 100 grants")
		return nil, nil
	}
	out := make([]Grant, 0, len(in))
	seen := map[GrantInput]bool{}
	for i, g := range in {
		field := fmt.Sprintf("grants[%d]", i)
		if !s.authz.policy.ValidRole(g.Role) {
			f.Add(field+".role", "must be one of admin, manager, editor, viewer, reporter")
			continue
		}
		path, err := s.units.PathOf(ctx, c, g.UnitID)
		if errs.Is(err, errs.NotFound) {
			f.Add(field+".unitId", "no such unit")
			continue
		}
		if err != nil {
			return nil, err
		}
		if !c.CanGrant(path, g.Role) {
			return nil, errs.E(errs.Forbidden, "you may not grant the role %s on unit %s", g.Role, g.UnitID)
		}
		if seen[g] {
			continue
		}
		seen[g] = true
		out = append(out, Grant{Role: g.Role, UnitID: g.UnitID, Path: path})
	}
	return out, nil
}

// Create adds an account.
func (s *Users) Create(ctx context.Context, c *Caller, in NewUser) (*User, error) {
	var f errs.Fields
	in.Username = normalizeUsername(in.Username)
	checkUsername(&f, in.Username)
	checkPassword(&f, in.Password)
	display := cleanDisplayName(&f, in.DisplayName)
	if display == "" {
		f.Add("displayName", "is required")
	}
	grants, err := s.resolveGrants(ctx, c, in.Grants, &f)
	if err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return s.create(ctx, c, in.Username, in.Password, display, grants)
}

func (s *Users) create(ctx context.Context, c *Caller, username, password, display string, grants []Grant) (*User, error) {
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	if display == "" {
		display = username
	}
	t := s.now().UTC()
	u := &User{ID: ids.New(), Username: username, DisplayName: display, PasswordHash: hash,
		Grants: grants, Version: 1, CreatedAt: t, UpdatedAt: t}
	if err := s.recordUser(ctx, c, audit.Create, nil, u, false, func(ctx context.Context) error { return s.store.CreateUser(ctx, u) }); err != nil {
		if errs.Is(err, errs.Conflict) {
			// One answer wherever the other account is: nothing about a user
			// outside the caller's scope (id, units) beyond the name being
			// taken, which a unique username cannot hide.
			return nil, errs.E(errs.Conflict, "the username %q is taken", username)
		}
		return nil, err
	}
	return u, nil
}

// EnsureAdmin creates the bootstrap administrator on a database with no
// users. With an empty password a random one is generated and returned, to
// be shown once.
func (s *Users) EnsureAdmin(ctx context.Context, password string) (created bool, generated string, err error) {
	has, err := s.store.HasUsers(ctx)
	if err != nil || has {
		return false, "", err
	}
	if password == "" {
		if password, err = randomPassword(); err != nil {
			return false, "", err
		}
		generated = password
	}
	root, err := s.units.RootPath(ctx, System("first administrator"))
	if err != nil {
		return false, "", err
	}
	_, err = s.create(ctx, System("bootstrap"), "admin", password, "Administrator", []Grant{{Role: Admin, UnitID: root[len(root)-1], Path: root}})
	if errs.Is(err, errs.Conflict) { // another instance made it first
		return false, "", nil
	}
	return err == nil, generated, err
}

// visible reports whether the caller may see u: itself, or a user with a
// grant where the caller may read users.
func (s *Users) visible(c *Caller, u *User) bool {
	if u.ID == c.User.ID {
		return true
	}
	for _, g := range u.Grants {
		if c.Allowed(g.Path, ObjUser, Read) {
			return true
		}
	}
	return false
}

// manageable reports whether the caller may change u: it must be able to
// hand out every grant u holds.
func (s *Users) manageable(c *Caller, u *User) bool {
	for _, g := range u.Grants {
		if !c.CanGrant(g.Path, g.Role) {
			return false
		}
	}
	return true
}

// forCaller hides grants on units outside the caller's scope, so that an
// account shared across subtrees does not reveal the other subtree.
func forCaller(c *Caller, u *User) *User {
	cp := *u
	cp.Grants = nil
	for _, g := range u.Grants {
		if c.Covers(g.Path) {
			cp.Grants = append(cp.Grants, g)
		}
	}
	return &cp
}

func (s *Users) load(ctx context.Context, c *Caller, id string) (*User, error) {
	notFound := errs.E(errs.NotFound, "user not found")
	if !ids.Valid(id) {
		return nil, notFound
	}
	u, err := s.store.GetUser(ctx, id)
	if err != nil {
		return nil, err
	}
	if !s.visible(c, u) {
		return nil, notFound
	}
	return u, nil
}

// Get returns an account in the caller's scope.
func (s *Users) Get(ctx context.Context, c *Caller, id string) (*User, error) {
	u, err := s.load(ctx, c, id)
	if err != nil {
		return nil, err
	}
	return forCaller(c, u), nil
}

// List lists the accounts in the caller's scope.
func (s *Users) List(ctx context.Context, c *Caller, p page.Request) (page.Result[*User], error) {
	var under []string
	for _, g := range c.Scope.Grants {
		if s.authz.policy.Allows(g.Role, ObjUser, Read) {
			under = append(under, g.UnitID)
		}
	}
	if len(under) == 0 {
		return page.Result[*User]{}, errs.E(errs.Forbidden, "your role does not allow reading users")
	}
	res, err := s.store.ListUsers(ctx, under, p)
	for i, u := range res.Items {
		res.Items[i] = forCaller(c, u)
	}
	return res, err
}

// Update changes an account the caller may manage. ifVersion (If-Match),
// when not zero, must be the stored version.
func (s *Users) Update(ctx context.Context, c *Caller, id string, p UserPatch, ifVersion int) (*User, error) {
	u, err := s.load(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if ifVersion != 0 && ifVersion != u.Version {
		return nil, errs.E(errs.VersionMismatch, "user %s is at version %d, not %d", u.ID, u.Version, ifVersion)
	}
	self := u.ID == c.User.ID
	// People may change their own name and password; grants and other
	// people's accounts need the right to manage every grant involved.
	if (!self || p.Grants != nil || p.Disabled != nil) && !s.manageable(c, u) {
		return nil, errs.E(errs.Forbidden, "you may not change this account")
	}
	if self && p.Disabled != nil && *p.Disabled {
		return nil, errs.E(errs.Conflict, "you cannot disable your own account")
	}
	next := *u
	var f errs.Fields
	if p.DisplayName != nil {
		next.DisplayName = cleanDisplayName(&f, *p.DisplayName)
		if next.DisplayName == "" {
			next.DisplayName = u.Username
		}
	}
	if p.Grants != nil {
		g, err := s.resolveGrants(ctx, c, *p.Grants, &f)
		if err != nil {
			return nil, err
		}
		next.Grants = g
	}
	if p.Password != nil {
		checkPassword(&f, *p.Password)
		if self {
			if n, until := s.wrongCurrent.Count(u.ID); n >= maxWrongCurrentPasswords {
				e := errs.E(errs.TooManyRequests, "too many wrong current passwords; try again later")
				e.RetryAfterSeconds = int(until.Sub(s.now())/time.Second) + 1
				return nil, e
			}
			switch {
			case p.CurrentPassword == nil || *p.CurrentPassword == "":
				f.Add("currentPassword", "is required to change your own password")
			case !CheckPassword(u.PasswordHash, *p.CurrentPassword):
				s.wrongCurrent.Add(u.ID)
				f.Add("currentPassword", "is not your current password")
			}
		}
	}
	if p.Disabled != nil {
		next.Disabled = *p.Disabled
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if p.Password != nil {
		if next.PasswordHash, err = HashPassword(*p.Password); err != nil {
			return nil, err
		}
	}
	next.Version = u.Version + 1
	next.UpdatedAt = s.now().UTC()
	// A new password ends every login made with the old one (a reset after
	// a stolen password must lock the thief out), and their access tokens
	// with them; so does disabling the account.
	endsLogins := p.Password != nil || next.Disabled
	if err := s.storeEndingLogins(ctx, c, u, &next, p.Password != nil, endsLogins); err != nil {
		return nil, err
	}
	return forCaller(c, &next), nil
}

// ResetPassword gives the account username a new random password and ends
// every login it has. It is for the server's operator (sohoi users
// reset-password), who is trusted without a caller: whoever runs it can
// read the database anyway. The password is returned to be shown once.
func (s *Users) ResetPassword(ctx context.Context, username string) (string, error) {
	u, err := s.store.GetUserByUsername(ctx, normalizeUsername(username))
	if errs.Is(err, errs.NotFound) {
		return "", errs.E(errs.NotFound, "no user %q", normalizeUsername(username))
	}
	if err != nil {
		return "", err
	}
	password, err := randomPassword()
	if err != nil {
		return "", err
	}
	next := *u
	if next.PasswordHash, err = HashPassword(password); err != nil {
		return "", err
	}
	next.Version = u.Version + 1
	next.UpdatedAt = s.now().UTC()
	if err := s.storeEndingLogins(ctx, System("reset-password"), u, &next, true, true); err != nil {
		return "", err
	}
	return password, nil
}

// storeEndingLogins stores u and, when endLogins, ends every login of the
// account. The logins are ended before the change is stored as well as
// after, so that no crash or failure between the two writes (there is no
// transaction across them on MongoDB) leaves a login of the old password
// alive: a failure before the store leaves the user signed out with the
// password unchanged, which is safe; the ending after catches a login
// made in between.
//
// The change from was to u is recorded with it (passwordChanged says a new
// password was set, never what it is).
func (s *Users) storeEndingLogins(ctx context.Context, c *Caller, was, u *User, passwordChanged, endLogins bool) error {
	if endLogins {
		if err := s.refresh.RevokeUserRefreshTokens(ctx, u.ID); err != nil {
			return err
		}
	}
	if err := s.recordUser(ctx, c, audit.Update, was, u, passwordChanged, func(ctx context.Context) error { return s.store.UpdateUser(ctx, u) }); err != nil {
		return err
	}
	if endLogins {
		return s.refresh.RevokeUserRefreshTokens(ctx, u.ID)
	}
	return nil
}

// randomPassword is 144 random bits, URL-safe (24 characters).
func randomPassword() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Delete removes an account the caller may manage; nobody deletes itself,
// so that the last administrator cannot lock everyone out by mistake.
func (s *Users) Delete(ctx context.Context, c *Caller, id string) error {
	u, err := s.load(ctx, c, id)
	if err != nil {
		return err
	}
	if u.ID == c.User.ID {
		return errs.E(errs.Conflict, "you cannot delete your own account")
	}
	if !s.manageable(c, u) {
		return errs.E(errs.Forbidden, "you may not delete this account")
	}
	// Its logins end first: a delete interrupted between the two writes
	// leaves an account that cannot sign in, and deleting it again
	// finishes, in every store, with or without transactions.
	if err := s.refresh.RevokeUserRefreshTokens(ctx, id); err != nil {
		return err
	}
	return s.recordUser(ctx, c, audit.Delete, u, nil, false, func(ctx context.Context) error { return s.store.DeleteUser(ctx, id) })
}
