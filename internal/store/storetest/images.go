package storetest

import (
	"bytes"
	"context"
	"testing"

	"parkd/internal/park"
)

// testImages: a picture is kept byte for byte, once, for an existing lot.
func testImages(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	data := []byte{0xff, 0xd8, 0xff, 0x00, 0x01, 0xfe, 0xff, 0xd9} // a NUL and high bytes survive
	im := &park.Image{ID: "im1", LotCode: "L1", EventID: "ev1", ContentType: "image/jpeg", Data: data, CreatedAt: base}
	must(t, update(t, s, func(tx park.Tx) error { return tx.PutImage(ctx, im) }))
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.PutImage(ctx, im) }), park.EConflict)
	other := *im
	other.ID, other.LotCode = "im2", "nowhere"
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.PutImage(ctx, &other) }), park.ENotFound)
	var got *park.Image
	must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetImage(ctx, "im1"); return }))
	if !bytes.Equal(got.Data, data) || got.EventID != "ev1" || got.ContentType != "image/jpeg" || !got.CreatedAt.Equal(base) {
		t.Fatalf("read back %+v", got)
	}
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetImage(ctx, "im9"); return err }), park.ENotFound)
}
