package partners_test

import (
	"errors"
	"strings"
	"testing"

	"parkd/internal/park"
	"parkd/internal/partners"
	"parkd/internal/systemtest"
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
		tok, _, err := b.Sys.Partners.Login(b.Ctx, partners.SignIn{Username: "u", Password: "secret-password"})
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
		Type: park.PartnerNormal, Secret: systemtest.Secret, SignMode: "md5", Lots: []string{b.Lot}}); err != nil {
		t.Fatal(err)
	}
	p, err := b.Sys.Partners.SigningPartner(b.Ctx, "mall")
	if err != nil || p.Secret != systemtest.Secret {
		t.Fatalf("partner created after a miss: %+v, %v", p, err)
	}
	if err := b.Sys.Partners.DeletePartner(b.Ctx, "mall"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Partners.SigningPartner(b.Ctx, "mall"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("a deleted partner is still served from the cache: %v", err)
	}
}

// TestAuthErrorFields: a bad token's error names the field token, and says
// when an expired or revoked token stopped being valid; a bad sign-in names
// no field, so it tells nobody whether the user or the password was wrong.
// Transports word the two apart from these, never from the message.
func TestAuthErrorFields(t *testing.T) {
	b := setup(t)
	if _, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: "app", Name: "App", Dialect: systemtest.Dialects[0],
		Type: park.PartnerNormal, Lots: []string{b.Lot}}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Partners.CreateIntegrator(b.Ctx, partners.IntegratorInput{Username: "u", Password: "secret-password",
		Partners: []string{"app"}, DefaultPartner: "app"}); err != nil {
		t.Fatal(err)
	}
	field := func(t *testing.T, err error) *park.Error {
		t.Helper()
		var pe *park.Error
		if !errors.As(err, &pe) || pe.Code != park.EUnauthorized {
			t.Fatalf("got %v, want unauthorized", err)
		}
		return pe
	}
	t.Run("ErrBadLogin", func(t *testing.T) {
		for _, c := range [][2]string{{"u", "wrong-password"}, {"nobody", "secret-password"}, {"u", ""}} {
			_, _, err := b.Sys.Partners.Login(b.Ctx, partners.SignIn{Username: c[0], Password: c[1]})
			if pe := field(t, err); pe.Field != "" {
				t.Fatalf("login %q: field %q, want none", c[0], pe.Field)
			}
		}
	})
	t.Run("ErrToken", func(t *testing.T) {
		for _, tok := range []string{"", "pkd_unknown"} {
			_, err := b.Sys.Partners.Authenticate(b.Ctx, tok, "")
			if pe := field(t, err); pe.Field != "token" || !pe.At.IsZero() {
				t.Fatalf("token %q: field %q at %v, want token and no time", tok, pe.Field, pe.At)
			}
		}
	})
	t.Run("ErrExpired", func(t *testing.T) {
		tok, issued, err := b.Sys.Partners.Login(b.Ctx, partners.SignIn{Username: "u", Password: "secret-password"})
		if err != nil {
			t.Fatal(err)
		}
		b.Clock.Set(issued.ExpiresAt)
		_, err = b.Sys.Partners.Authenticate(b.Ctx, tok, "")
		if pe := field(t, err); pe.Field != "token" || !pe.At.Equal(issued.ExpiresAt) {
			t.Fatalf("field %q at %v, want token at %v", pe.Field, pe.At, issued.ExpiresAt)
		}
	})
	t.Run("ErrRevoked", func(t *testing.T) {
		tok, _, err := b.Sys.Partners.Login(b.Ctx, partners.SignIn{Username: "u", Password: "secret-password"})
		if err != nil {
			t.Fatal(err)
		}
		revokedAt := b.Clock.Now()
		if _, err := b.Sys.Partners.RevokeTokens(b.Ctx, "u"); err != nil {
			t.Fatal(err)
		}
		_, err = b.Sys.Partners.Authenticate(b.Ctx, tok, "")
		if pe := field(t, err); pe.Field != "token" || !pe.At.Equal(revokedAt) {
			t.Fatalf("field %q at %v, want token at %v", pe.Field, pe.At, revokedAt)
		}
	})
}

// TestPartnerSigning: a partner of a dialect that signs requests has a
// secret of at least park.MinSecretLen bytes and one of the dialect's sign
// modes (its first by default); a partner of a dialect that does not sign
// holds no secret. The demo-only path takes a vendor's short test secret,
// but not an unknown mode.
func TestPartnerSigning(t *testing.T) {
	b := setup(t)
	signing, plain := systemtest.Dialects[1], systemtest.Dialects[0]
	create := func(id, dialect, secret, mode string) (*park.Partner, error) {
		return b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: id, Name: id, Dialect: dialect, Type: park.PartnerNormal,
			Secret: secret, SignMode: mode, Lots: []string{b.Lot}})
	}
	t.Run("OK", func(t *testing.T) {
		p, err := create("ok", signing, "0123456789abcdef", "")
		if err != nil || p.SignMode != systemtest.SignModes[signing][0] {
			t.Fatalf("%+v, %v; want the default sign mode", p, err)
		}
		if _, err := create("ok-static", signing, "0123456789abcdef", "static"); err != nil {
			t.Fatal(err)
		}
		if _, err := create("ok-plain", plain, "", ""); err != nil {
			t.Fatal(err)
		}
	})
	for name, c := range map[string]struct{ dialect, secret, mode, field string }{
		"ErrShortSecret":     {signing, "0123456789abcde", "md5", "secret"},
		"ErrNoSecret":        {signing, "", "md5", "secret"},
		"ErrUnknownMode":     {signing, "0123456789abcdef", "sha1", "sign_mode"},
		"ErrSecretUnneeded":  {plain, "0123456789abcdef", "", "secret"},
		"ErrModeUnneeded":    {plain, "", "md5", "sign_mode"},
		"ErrControlInSecret": {signing, "0123456789abcdef\n", "md5", "secret"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := create("bad", c.dialect, c.secret, c.mode)
			var pe *park.Error
			if !errors.As(err, &pe) || pe.Code != park.EInvalid || pe.Field != c.field {
				t.Fatalf("got %v, want invalid on %s", err, c.field)
			}
		})
	}
	t.Run("ErrNoSecretIsRequired", func(t *testing.T) {
		// Told as a rental channel without a secret is: required (reason
		// required), not a length; the demo path needs one too.
		_, err := create("bad", signing, "", "md5")
		_, demoErr := b.Sys.Partners.CreateDemoPartner(b.Ctx, &park.Partner{ID: "bad-demo", Name: "bad-demo", Dialect: signing,
			Type: park.PartnerNormal, SignMode: "static", Lots: []string{b.Lot}})
		for _, err := range []error{err, demoErr} {
			var pe *park.Error
			if !errors.As(err, &pe) || pe.Code != park.EInvalid || pe.Field != "secret" || pe.Reason != park.ReasonRequired ||
				!strings.HasPrefix(pe.Public(), "secret: is required") {
				t.Fatalf("got %v, want \"secret: is required...\" with reason %q", err, park.ReasonRequired)
			}
		}
	})
	t.Run("Demo", func(t *testing.T) {
		demo := func(id, mode string) error {
			_, err := b.Sys.Partners.CreateDemoPartner(b.Ctx, &park.Partner{ID: id, Name: id, Dialect: signing,
				Type: park.PartnerNormal, Secret: "ebo2019", SignMode: mode, Lots: []string{b.Lot}})
			return err
		}
		if err := demo("demo", "static"); err != nil {
			t.Fatal(err)
		}
		if err := demo("demo-bad", "sha1"); !park.IsCode(err, park.EInvalid) {
			t.Fatalf("unknown mode through the demo path: %v", err)
		}
	})
}
