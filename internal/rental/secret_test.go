package rental_test

import (
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
// taken; a replace without a secret keeps the one the channel has.
func TestChannelSecretLength(t *testing.T) {
	b := setup(t) // channel 12345678, secret "helloworld-secret"
	in := rental.ChannelInput{AppKey: "23456789", Name: "c", SignMethod: "md5", GatewayURL: "http://127.0.0.1:1/router/rest",
		Stores: []string{"10001"}}
	refused := func(t *testing.T, in rental.ChannelInput) {
		t.Helper()
		_, err := b.Sys.Rental.PutChannel(b.Ctx, in)
		systemtest.WantCode(t, err, park.EInvalid)
		if pe, _ := err.(*park.Error); pe == nil || pe.Field != "secret" {
			t.Fatalf("error %v, want one naming secret", err)
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
