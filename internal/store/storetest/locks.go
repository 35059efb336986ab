package storetest

import (
	"context"
	"testing"
	"time"

	"parkd/internal/park"
)

func testLocks(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	isLocked := func(lot, key string) *park.Lock {
		t.Helper()
		var got *park.Lock
		must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.IsLocked(ctx, lot, key); return }))
		return got
	}
	if got := isLocked("L1", "京A12345"); got != nil {
		t.Fatalf("locked before any lock: %+v", got)
	}
	at := base.Add(123456789 * time.Nanosecond)
	must(t, update(t, s, func(tx park.Tx) error {
		return tx.Lock(ctx, &park.Lock{LotCode: "L1", PlateKey: "京A12345", LockedAt: at, By: "app"})
	}))
	got := isLocked("L1", "京A12345")
	if got == nil || got.LotCode != "L1" || got.PlateKey != "京A12345" || got.By != "app" ||
		!got.LockedAt.Equal(at.Truncate(park.Precision)) || got.LockedAt.Location() != time.UTC {
		t.Fatalf("lock %+v", got)
	}
	// Per lot: the same plate is not locked in another lot.
	if got := isLocked("L2", "京A12345"); got != nil {
		t.Fatalf("locked in L2: %+v", got)
	}
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.Lock(ctx, &park.Lock{LotCode: "L1", PlateKey: "京A12345", LockedAt: at})
	}), park.EConflict)
	wantCode(t, update(t, s, func(tx park.Tx) error {
		return tx.Lock(ctx, &park.Lock{LotCode: "nope", PlateKey: "京A12345", LockedAt: at})
	}), park.ENotFound)
	// A rolled-back lock leaves nothing.
	_ = update(t, s, func(tx park.Tx) error {
		must(t, tx.Lock(ctx, &park.Lock{LotCode: "L2", PlateKey: "京B1", LockedAt: at}))
		return park.Errorf(park.EInvalid, "roll back")
	})
	if got := isLocked("L2", "京B1"); got != nil {
		t.Fatalf("rolled-back lock kept: %+v", got)
	}
	must(t, update(t, s, func(tx park.Tx) error { return tx.Unlock(ctx, "L1", "京A12345") }))
	if got := isLocked("L1", "京A12345"); got != nil {
		t.Fatalf("still locked: %+v", got)
	}
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.Unlock(ctx, "L1", "京A12345") }), park.ENotFound)
}
