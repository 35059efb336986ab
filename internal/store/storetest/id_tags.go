package storetest

import (
	"context"
	"testing"
	"time"

	"parkd/internal/park"
)

func testIDTags(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	exp := base.Add(30 * 24 * time.Hour)
	a := &park.IDTag{LotCode: "L1", Tag: "04A1B2C3", Plate: "粤B12345", PlateKey: "粤B12345", Note: "tenant 12",
		ExpiresAt: &exp, CreatedAt: base, UpdatedAt: base}
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreateIDTag(ctx, a) }))
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.CreateIDTag(ctx, &park.IDTag{LotCode: "L1", Tag: "04A1B2C3", CreatedAt: base, UpdatedAt: base})
	}), park.EConflict)
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.CreateIDTag(ctx, &park.IDTag{LotCode: "nope", Tag: "X", CreatedAt: base, UpdatedAt: base})
	}), park.ENotFound)
	// The same tag in another lot is another card.
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.CreateIDTag(ctx, &park.IDTag{LotCode: "L2", Tag: "04A1B2C3", Blocked: true, CreatedAt: base, UpdatedAt: base})
	}))
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.CreateIDTag(ctx, &park.IDTag{LotCode: "L1", Tag: "01", CreatedAt: base, UpdatedAt: base})
	}))

	var got *park.IDTag
	must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetIDTag(ctx, "L1", "04A1B2C3"); return }))
	if got.PlateKey != "粤B12345" || got.Note != "tenant 12" || got.Blocked || got.ExpiresAt == nil || !got.ExpiresAt.Equal(exp) ||
		got.ExpiresAt.Location() != time.UTC || !got.CreatedAt.Equal(base) || got.Version != 1 {
		t.Fatalf("got %+v", got)
	}
	wantCode(t, s.View(ctx, func(tx park.Tx) error { _, err := tx.GetIDTag(ctx, "L1", "nope"); return err }), park.ENotFound)

	got.Blocked, got.ExpiresAt, got.UpdatedAt = true, nil, base.Add(time.Hour)
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateIDTag(ctx, got) }))
	stale := *got
	stale.Version = 1
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.UpdateIDTag(ctx, &stale) }), park.EConflict)
	must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetIDTag(ctx, "L1", "04A1B2C3"); return }))
	if !got.Blocked || got.ExpiresAt != nil || got.Version != 2 {
		t.Fatalf("after update %+v", got)
	}

	var page []*park.IDTag
	must(t, s.View(ctx, func(tx park.Tx) (err error) {
		page, err = tx.ListIDTags(ctx, park.IDTagFilter{LotCode: "L1", Limit: 10})
		return
	}))
	if len(page) != 2 || page[0].Tag != "01" || page[1].Tag != "04A1B2C3" {
		t.Fatalf("list %+v", page)
	}
	must(t, s.View(ctx, func(tx park.Tx) (err error) {
		page, err = tx.ListIDTags(ctx, park.IDTagFilter{LotCode: "L1", AfterTag: "01", Limit: 10})
		return
	}))
	if len(page) != 1 || page[0].Tag != "04A1B2C3" {
		t.Fatalf("after 01 %+v", page)
	}
	must(t, update(t, s, func(tx park.Tx) error { return tx.DeleteIDTag(ctx, "L1", "01") }))
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.DeleteIDTag(ctx, "L1", "01") }), park.ENotFound)
}
