package storetest

import (
	"context"
	"reflect"
	"testing"

	"parkd/internal/park"
)

// testStoreRules: a store's rule round-trips with its list of cities, one
// store has one, its version guards against lost updates, a deleted rule
// stays, and a rule needs its store.
func testStoreRules(t *testing.T, s park.Store) {
	ctx := context.Background()
	must(t, update(t, s, func(tx park.Tx) error {
		if err := tx.CreateLot(ctx, newLot("L1")); err != nil {
			return err
		}
		return tx.SaveRentalStore(ctx, newRentalStore("10001", "L1"))
	}))
	get := func(store string) (*park.StoreRule, error) {
		var r *park.StoreRule
		err := s.View(ctx, func(tx park.Tx) (err error) { r, err = tx.GetStoreRule(ctx, store); return })
		return r, err
	}

	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := get("10001")
		wantCode(t, err, park.ENotFound)
	})
	t.Run("ErrStoreUnknown", func(t *testing.T) {
		r := &park.StoreRule{StoreCode: "nope", MinDays: 1, UpdatedAt: base}
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.SaveStoreRule(ctx, r) }), park.ENotFound)
	})

	rule := &park.StoreRule{StoreCode: "10001", CrossCity: true, BannedCities: []string{"110100", "310100"}, Invoice: true,
		MinDays: 2, MaxDays: 30, AdvanceHours: 4, FreeCancelHours: 24, UpdatedAt: base}
	must(t, update(t, s, func(tx park.Tx) error { return tx.SaveStoreRule(ctx, rule) }))
	if rule.Version != 1 {
		t.Fatalf("a new rule has version %d, want 1", rule.Version)
	}
	t.Run("OK", func(t *testing.T) {
		got, err := get("10001")
		must(t, err)
		if !reflect.DeepEqual(got, rule) {
			t.Fatalf("read back %+v, want %+v", got, rule)
		}
	})
	t.Run("ErrExists", func(t *testing.T) {
		again := &park.StoreRule{StoreCode: "10001", MinDays: 1, UpdatedAt: base}
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.SaveStoreRule(ctx, again) }), park.EConflict)
	})
	t.Run("UpdateAndDelete", func(t *testing.T) {
		got, err := get("10001")
		must(t, err)
		got.Deleted, got.BannedCities = true, nil
		must(t, update(t, s, func(tx park.Tx) error { return tx.SaveStoreRule(ctx, got) }))
		if got.Version != 2 {
			t.Fatalf("version after an update %d, want 2", got.Version)
		}
		stale := *rule // still version 1
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.SaveStoreRule(ctx, &stale) }), park.EConflict)
		after, err := get("10001")
		must(t, err)
		if !after.Deleted || after.Version != 2 || len(after.BannedCities) != 0 || !after.Invoice {
			t.Fatalf("after the delete %+v, want it kept, deleted, at version 2, no cities, invoice still true", after)
		}
		gone := &park.StoreRule{StoreCode: "10001", MinDays: 1, UpdatedAt: base, Version: 9}
		wantCode(t, update(t, s, func(tx park.Tx) error { return tx.SaveStoreRule(ctx, gone) }), park.EConflict)
	})
}
