package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/access"
)

// behindProxy makes the test client a trusted proxy, so that each request
// can say which address it comes from (X-Forwarded-For).
func behindProxy(c *appConfig) { c.TrustedProxies = []string{"127.0.0.1", "::1"} }

func (e *env) loginFrom(addr, username, password string) *resp {
	e.t.Helper()
	return e.do("POST", "/api/v1/auth/login", "", map[string]string{"username": username, "password": password}, "X-Forwarded-For", addr)
}

// The pair (username, address) that guesses is refused, with Retry-After,
// even with the right password; the same username from another address
// signs in.
func TestGuessingPairIsLimitedOthersAreNot(t *testing.T) {
	e := newEnv(t, behindProxy)
	const thief, owner = "203.0.113.5", "198.51.100.7"
	for range access.DefaultLoginLimits().MaxFailuresPerPair {
		e.expect(e.loginFrom(thief, "admin", "wrong-password"), 401, "invalid_credentials")
	}
	r := e.expect(e.loginFrom(thief, "admin", "wrong-password"), 429, "too_many_requests")
	if s := r.header.Get("Retry-After"); s == "" || s == "0" {
		t.Fatalf("429 with Retry-After %q", s)
	}
	e.expect(e.loginFrom(thief, "admin", adminPassword), 429, "too_many_requests")
	e.expect(e.loginFrom(owner, "admin", adminPassword), 200)
	// and the thief's address may still sign in as someone else
	prov := e.mustUnit("root", "province", "34")
	e.mustUser("chair", "editor", prov.ID)
	e.expect(e.loginFrom(thief, "chair", "password-chair"), 200)
}

// Twenty people (or tabs) signing in at once as the same account from the
// same address all get in: attempts queue, none is refused.
func TestSimultaneousCorrectLoginsAllSucceed(t *testing.T) {
	e := newEnv(t)
	body, _ := json.Marshal(map[string]string{"username": "admin", "password": adminPassword})
	const n = 20
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := http.Post(e.srv.URL+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			statuses[i] = res.StatusCode
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Errorf("login %d: status %d", i, s)
		}
	}
}

// Fifty failures under fifty usernames from one address (an office behind
// one NAT, or someone spraying guesses) slow that address down but do not
// stop a correct login from it.
func TestFailuresUnderManyUsernamesSlowAnAddressButDoNotLockIt(t *testing.T) {
	lim := access.DefaultLoginLimits()
	lim.FreeFailuresPerAddr, lim.DelayStep, lim.MaxDelay = 48, 100*time.Millisecond, 150*time.Millisecond
	e := newEnv(t, behindProxy, func(c *appConfig) { c.LoginLimits = lim })
	const office = "192.0.2.10"
	for i := range 50 {
		e.expect(e.loginFrom(office, fmt.Sprintf("user%02d", i), "wrong-password"), 401, "invalid_credentials")
	}
	start := time.Now()
	e.expect(e.loginFrom(office, "admin", adminPassword), 200)
	if took := time.Since(start); took < lim.MaxDelay {
		t.Fatalf("the login after 50 failures took %v: not slowed down", took)
	}
	e.expect(e.loginFrom("192.0.2.11", "admin", adminPassword), 200)
}

// Many failures for one username (from many addresses) slow its logins
// down, never refuse the right password.
func TestFailuresForAUsernameOnlySlowItDown(t *testing.T) {
	lim := access.DefaultLoginLimits()
	lim.DelayStep, lim.MaxDelay = 5*time.Millisecond, 20*time.Millisecond
	e := newEnv(t, behindProxy, func(c *appConfig) { c.LoginLimits = lim })
	for i := range 30 {
		e.expect(e.loginFrom(fmt.Sprintf("203.0.113.%d", i), "admin", "wrong-password"), 401, "invalid_credentials")
	}
	e.expect(e.loginFrom("198.51.100.7", "admin", adminPassword), 200)
}

// An IPv6 client controls a whole /64: guesses from many of its addresses
// count as guesses from one, and another prefix is someone else.
func TestAnIPv6PrefixCountsAsOneAddress(t *testing.T) {
	e := newEnv(t, behindProxy)
	for i := range access.DefaultLoginLimits().MaxFailuresPerPair {
		e.expect(e.loginFrom(fmt.Sprintf("2001:db8:0:7::%x", i+1), "admin", "wrong-password"), 401, "invalid_credentials")
	}
	e.expect(e.loginFrom("2001:db8:0:7:ffff::1", "admin", adminPassword), 429, "too_many_requests")
	e.expect(e.loginFrom("2001:db8:0:8::1", "admin", adminPassword), 200)
}

// Once a username has failed too often, its attempts from anywhere go one
// delay apart (guessing from many addresses at once gains nothing), while
// a place it signed in from before is not made to wait its turn.
func TestAFailingUsernameIsTriedOneDelayApartExceptFromKnownPlaces(t *testing.T) {
	lim := access.DefaultLoginLimits()
	// A step long enough that one password check (slow under the race
	// detector: up to half a second) fits well inside the bound below.
	lim.FreeFailuresPerUser, lim.DelayStep, lim.MaxDelay = 1, 300*time.Millisecond, 300*time.Millisecond
	e := newEnv(t, behindProxy, func(c *appConfig) { c.LoginLimits = lim })
	const office = "198.51.100.7"
	e.expect(e.loginFrom(office, "admin", adminPassword), 200) // a known place
	for i := range 2 {
		e.expect(e.loginFrom(fmt.Sprintf("203.0.113.%d", i), "admin", "wrong-password"), 401, "invalid_credentials")
	}
	const guesses = 6
	start := time.Now()
	var wg sync.WaitGroup
	for i := range guesses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.loginFrom(fmt.Sprintf("203.0.114.%d", i), "admin", "wrong-password")
		}()
	}
	time.Sleep(20 * time.Millisecond)
	known := time.Now()
	e.expect(e.loginFrom(office, "admin", adminPassword), 200)
	if took := time.Since(known); took >= time.Duration(guesses-1)*lim.DelayStep {
		t.Errorf("the known place waited %v behind the guesses", took)
	}
	wg.Wait()
	if took := time.Since(start); took < time.Duration(guesses-1)*lim.DelayStep {
		t.Errorf("%d simultaneous guesses from %d addresses took %v: not one delay apart", guesses, guesses, took)
	}
}
