package partners_test

import (
	"testing"

	"parkd/internal/park"
	"parkd/internal/partners"
)

// TestAuthCache: a checked token is trusted for a few seconds, but never past
// its own expiry, and a revocation or a deleted partner on this node takes
// effect at once.
func TestAuthCache(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: "app", Name: "App", Dialect: "api-one",
		Type: park.PartnerNormal, Lots: []string{b.Lot}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Partners.CreateIntegrator(b.Ctx, partners.IntegratorInput{Username: "u", Password: "secret-password",
		Partners: []string{"app"}, DefaultPartner: "app"}); err != nil {
		t.Fatal(err)
	}
	login := func() string {
		tok, _, err := b.Sys.Partners.Login(b.Ctx, "u", "secret-password")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	tok := login()
	if _, err := b.Sys.Partners.Authenticate(b.Ctx, tok, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Partners.RevokeTokens(b.Ctx, "u"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Partners.Authenticate(b.Ctx, tok, ""); !park.IsCode(err, park.EUnauthorized) {
		t.Fatalf("revoked token still accepted: %v", err)
	}

	tok = login()
	if _, err := b.Sys.Partners.Authenticate(b.Ctx, tok, ""); err != nil {
		t.Fatal(err)
	}
	b.Clock.Set(b.Clock.Now().Add(park.DefaultTokenTTL)) // the token's own expiry
	if _, err := b.Sys.Partners.Authenticate(b.Ctx, tok, ""); !park.IsCode(err, park.EUnauthorized) {
		t.Fatalf("expired token accepted from the cache: %v", err)
	}

	tok = login()
	if _, err := b.Sys.Partners.Authenticate(b.Ctx, tok, ""); err != nil {
		t.Fatal(err)
	}
	if err := b.Sys.Partners.DeletePartner(b.Ctx, "app"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Partners.Authenticate(b.Ctx, tok, ""); err == nil {
		t.Fatal("a deleted partner still authenticated from the cache")
	}
}

// TestSigningPartnerCache: a signing partner is remembered, but a deleted
// one is refused at once on this node, and an unknown id is not
// remembered, so a partner created right after a miss is found.
func TestSigningPartnerCache(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Partners.SigningPartner(b.Ctx, "mall"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("unknown partner: %v", err)
	}
	if _, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: "mall", Name: "Mall", Dialect: "api-two",
		Type: park.PartnerNormal, Secret: "s3cret", SignMode: "md5", Lots: []string{b.Lot}}); err != nil {
		t.Fatal(err)
	}
	p, err := b.Sys.Partners.SigningPartner(b.Ctx, "mall")
	if err != nil || p.Secret != "s3cret" {
		t.Fatalf("partner created after a miss: %+v, %v", p, err)
	}
	if err := b.Sys.Partners.DeletePartner(b.Ctx, "mall"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Partners.SigningPartner(b.Ctx, "mall"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("a deleted partner is still served from the cache: %v", err)
	}
}
