package storetest

import (
	"testing"
	"time"

	"github.com/sohoi/sohoi/internal/access"
	"github.com/sohoi/sohoi/internal/errs"
)

func testRefreshTokens(t *testing.T, open Opener) {
	s := open(t)
	mk := func(id, family string) *access.RefreshToken {
		rt := &access.RefreshToken{ID: id, FamilyID: family, UserID: "u1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
		if err := s.CreateRefreshToken(ctx(), rt); err != nil {
			t.Fatal(err)
		}
		return rt
	}
	mk("t1", "f1")
	mk("t2", "f1")
	mk("t3", "f2")

	got, used, err := s.UseRefreshToken(ctx(), "t1")
	if err != nil || used || got.FamilyID != "f1" || got.UserID != "u1" || !got.ExpiresAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("first use: %+v used=%v err=%v", got, used, err)
	}
	got, used, err = s.UseRefreshToken(ctx(), "t1")
	if err != nil || !used || got.FamilyID != "f1" {
		t.Fatalf("second use must report reuse: %+v used=%v err=%v", got, used, err)
	}
	if _, _, err := s.UseRefreshToken(ctx(), "nope"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	if err := s.RevokeRefreshFamily(ctx(), "f1"); err != nil {
		t.Fatal(err)
	}
	got, used, err = s.UseRefreshToken(ctx(), "t2")
	if err != nil || used || !got.Revoked {
		t.Fatalf("token of a revoked family: %+v used=%v err=%v", got, used, err)
	}
	got, _, err = s.UseRefreshToken(ctx(), "t3")
	if err != nil || got.Revoked {
		t.Fatalf("other family must be untouched: %+v %v", got, err)
	}
	if r, err := s.RefreshFamilyRevoked(ctx(), "f1"); err != nil || !r {
		t.Fatalf("family f1 revoked: %v %v", r, err)
	}
	if r, err := s.RefreshFamilyRevoked(ctx(), "f2"); err != nil || r {
		t.Fatalf("family f2 revoked: %v %v", r, err)
	}
	// authentication asks on every request: a revocation is seen at once,
	// also when a token is added to the login after it (a refresh racing
	// with a logout)
	mk("t6", "f5")
	if err := s.RevokeRefreshFamily(ctx(), "f5"); err != nil {
		t.Fatal(err)
	}
	mk("t7", "f5")
	if r, err := s.RefreshFamilyRevoked(ctx(), "f5"); err != nil || !r {
		t.Fatalf("family f5 revoked before its newest token: %v %v", r, err)
	}
	// a password change ends every login of the user, and only theirs
	// (t6 and t7 of u1 are in f5, revoked already)
	other := &access.RefreshToken{ID: "t4", FamilyID: "f3", UserID: "u2", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	if err := s.CreateRefreshToken(ctx(), other); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeUserRefreshTokens(ctx(), "u1"); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.RefreshFamilyRevoked(ctx(), "f2"); !r {
		t.Fatal("the user's other login was not revoked")
	}
	if r, _ := s.RefreshFamilyRevoked(ctx(), "f3"); r {
		t.Fatal("another user's login was revoked")
	}
	// expired tokens go, live ones stay
	old := &access.RefreshToken{ID: "t5", FamilyID: "f4", UserID: "u2", CreatedAt: t0.Add(-48 * time.Hour), ExpiresAt: t0.Add(-24 * time.Hour)}
	if err := s.CreateRefreshToken(ctx(), old); err != nil {
		t.Fatal(err)
	}
	n, err := s.DeleteExpiredRefreshTokens(ctx(), t0)
	if err != nil || n != 1 {
		t.Fatalf("deleted %d: %v", n, err)
	}
	if _, _, err := s.UseRefreshToken(ctx(), "t5"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("an expired token stayed: %v", err)
	}
	if _, _, err := s.UseRefreshToken(ctx(), "t4"); err != nil {
		t.Fatalf("a live token went: %v", err)
	}
}

func testSigningKeys(t *testing.T, open Opener) {
	s := open(t)
	keys, err := s.ListSigningKeys(ctx())
	if err != nil || len(keys) != 0 {
		t.Fatalf("empty: %v %v", keys, err)
	}
	for i, id := range []string{"k2", "k1"} {
		k := &access.SigningKey{ID: id, Algorithm: "EdDSA", PrivateKey: []byte{1, 2, byte(i)}, CreatedAt: t0.Add(time.Duration(-i) * time.Minute)}
		if err := s.CreateSigningKey(ctx(), k); err != nil {
			t.Fatal(err)
		}
	}
	keys, err = s.ListSigningKeys(ctx())
	if err != nil || len(keys) != 2 || keys[0].ID != "k1" || keys[1].ID != "k2" || string(keys[0].PrivateKey) != string([]byte{1, 2, 1}) {
		t.Fatalf("keys oldest first: %+v %v", keys, err)
	}
}
