package rental_test

import (
	"slices"
	"strings"
	"testing"

	"parkd/internal/park"
	"parkd/internal/rental"
	"parkd/internal/systemtest"
)

// TestChannelSecretLength: the channel signs its calls with the secret
// (MD5 over secret + params + secret, or HMAC keyed with it), so a short
// one is guessed and signatures forged. park.MinSecretLen is 16 bytes:
// "0123456789abcde" (15) is refused naming secret, with nothing stored,
// both for a new channel and for a replace; "0123456789abcdef" (16) is
// taken; a replace without a secret keeps the one the channel has. One of
// 257 bytes is refused too, and both refusals give the same bounds, 16 to
// 256 (reason length, params "16", "256"): the long one said "1-256 bytes",
// as if a 1-byte secret were taken.
func TestChannelSecretLength(t *testing.T) {
	b := setup(t) // channel 12345678, secret "helloworld-secret"
	in := rental.ChannelInput{AppKey: "23456789", Name: "c", SignMethod: "md5", GatewayURL: "http://127.0.0.1:1/router/rest",
		Stores: []string{"10001"}}
	refused := func(t *testing.T, in rental.ChannelInput) {
		t.Helper()
		_, err := b.Sys.Rental.PutChannel(b.Ctx, in)
		systemtest.WantCode(t, err, park.EInvalid)
		pe, _ := err.(*park.Error)
		if pe == nil || pe.Field != "secret" {
			t.Fatalf("error %v, want one naming secret", err)
		}
		if pe.Reason != park.ReasonLength || !slices.Equal(pe.Params, []string{"16", "256"}) || !strings.Contains(pe.Error(), "16 to 256 bytes") {
			t.Fatalf("error %v (reason %q, params %q), want %q with params 16, 256 and \"16 to 256 bytes\"", err, pe.Reason, pe.Params, park.ReasonLength)
		}
	}
	t.Run("ShortRefused", func(t *testing.T) {
		in := in
		in.Secret = "0123456789abcde" // 15 bytes
		refused(t, in)
		if _, err := b.Sys.Rental.GetChannel(b.Ctx, "23456789"); !park.IsCode(err, park.ENotFound) {
			t.Fatalf("the refused channel was stored (%v)", err)
		}
		err := b.Store.View(b.Ctx, func(tx park.Tx) error { _, err := tx.GetPartner(b.Ctx, "23456789"); return err })
		if !park.IsCode(err, park.ENotFound) {
			t.Fatalf("the refused channel's partner was stored (%v)", err)
		}
	})
	t.Run("ShortReplaceRefused", func(t *testing.T) {
		in := in
		in.AppKey, in.Secret = "12345678", "0123456789abcde" // 15 bytes
		refused(t, in)
		if c, err := b.Sys.Rental.GetChannel(b.Ctx, "12345678"); err != nil || c.Secret != "helloworld-secret" {
			t.Fatalf("channel %+v (%v), want its secret unchanged", c, err)
		}
	})
	t.Run("LongRefused", func(t *testing.T) {
		in := in
		in.Secret = strings.Repeat("a", 257) // one byte over 256
		refused(t, in)
		if _, err := b.Sys.Rental.GetChannel(b.Ctx, "23456789"); !park.IsCode(err, park.ENotFound) {
			t.Fatalf("the refused channel was stored (%v)", err)
		}
	})
	t.Run("MissingRefused", func(t *testing.T) {
		// A new channel sent without a secret is told one is required
		// (reason required, no params), not "must be 16 to 256 bytes, not
		// 0", and nothing is stored; a partner made without one is told
		// the same (partners' TestPartnerSigning).
		in := in
		in.Secret = ""
		_, err := b.Sys.Rental.PutChannel(b.Ctx, in)
		systemtest.WantCode(t, err, park.EInvalid)
		pe, _ := err.(*park.Error)
		if pe == nil || pe.Field != "secret" || pe.Reason != park.ReasonRequired || len(pe.Params) != 0 ||
			!strings.HasPrefix(pe.Public(), "secret: is required") || strings.Contains(pe.Public(), "not 0") {
			t.Fatalf("error %v, want \"secret: is required...\" with reason %q", err, park.ReasonRequired)
		}
		if _, err := b.Sys.Rental.GetChannel(b.Ctx, "23456789"); !park.IsCode(err, park.ENotFound) {
			t.Fatalf("the refused channel was stored (%v)", err)
		}
	})
	t.Run("SixteenTaken", func(t *testing.T) {
		in := in
		in.Secret = "0123456789abcdef" // 16 bytes
		c, err := b.Sys.Rental.PutChannel(b.Ctx, in)
		if err != nil || c.Secret != "0123456789abcdef" {
			t.Fatalf("channel %+v (%v), want it made with the 16-byte secret", c, err)
		}
		// A replace without a secret keeps it.
		in.Secret, in.Name = "", "renamed"
		c, err = b.Sys.Rental.PutChannel(b.Ctx, in)
		if err != nil || c.Secret != "0123456789abcdef" || c.Name != "renamed" {
			t.Fatalf("replace without a secret: %+v (%v), want the secret kept", c, err)
		}
	})
}
