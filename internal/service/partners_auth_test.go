package service_test

import (
	"testing"

	"parkd/internal/park"
	"parkd/internal/service"
)

// TestAuthCache: a checked token is trusted for a few seconds, but never past
// its own expiry, and a revocation or a deleted partner on this node takes
// effect at once.
func TestAuthCache(t *testing.T) {
	b := setup(t)
	if _, err := b.svc.CreatePartner(b.ctx, &park.Partner{ID: "app", Name: "App", Dialect: park.DialectLinkc,
		Type: park.PartnerNormal, Lots: []string{b.lot}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.CreateIntegrator(b.ctx, service.IntegratorInput{Username: "u", Password: "secret-password",
		Partners: []string{"app"}, DefaultPartner: "app"}); err != nil {
		t.Fatal(err)
	}
	login := func() string {
		tok, _, err := b.svc.Login(b.ctx, "u", "secret-password")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	tok := login()
	if _, err := b.svc.Authenticate(b.ctx, tok, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.RevokeTokens(b.ctx, "u"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Authenticate(b.ctx, tok, ""); !park.IsCode(err, park.EUnauthorized) {
		t.Fatalf("revoked token still accepted: %v", err)
	}

	tok = login()
	if _, err := b.svc.Authenticate(b.ctx, tok, ""); err != nil {
		t.Fatal(err)
	}
	b.clock.Set(b.clock.Now().Add(park.DefaultTokenTTL)) // the token's own expiry
	if _, err := b.svc.Authenticate(b.ctx, tok, ""); !park.IsCode(err, park.EUnauthorized) {
		t.Fatalf("expired token accepted from the cache: %v", err)
	}

	tok = login()
	if _, err := b.svc.Authenticate(b.ctx, tok, ""); err != nil {
		t.Fatal(err)
	}
	if err := b.svc.DeletePartner(b.ctx, "app"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Authenticate(b.ctx, tok, ""); err == nil {
		t.Fatal("a deleted partner still authenticated from the cache")
	}
}
