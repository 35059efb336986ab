package storetest

import (
	"context"
	"testing"
	"time"

	"parkd/internal/park"
)

// testRentalOrders: orders round-trip, a channel's order id names one
// order, and a vehicle's open orders are found by plate (and counted in
// its plate records in every lot, while any is open).
func testRentalOrders(t *testing.T, s park.Store) {
	ctx := context.Background()
	must(t, update(t, s, func(tx park.Tx) error {
		if err := tx.CreateLot(ctx, newLot("L1")); err != nil {
			return err
		}
		if err := tx.SaveRentalStore(ctx, newRentalStore("A", "L1")); err != nil {
			return err
		}
		if err := tx.SaveVehicleModel(ctx, newVehicleModel("M")); err != nil {
			return err
		}
		return tx.SaveRentalVehicle(ctx, &park.RentalVehicle{Plate: "浙A12345", PlateKey: "浙A12345", VIN: "LSVAU2180N2123456",
			StoreCode: "A", ModelCode: "M", UpdatedAt: base})
	}))
	order := func(id, chID string, pickup time.Time) *park.RentalOrder {
		return &park.RentalOrder{ID: id, ChannelID: "c", ChannelOrderID: chID, StoreCode: "A", ModelCode: "M", Plate: "浙A12345",
			PlateKey: "浙A12345", PickupAt: pickup, ReturnAt: pickup.Add(24 * time.Hour), Days: 1, Rent: 100,
			Status: park.OrderAwaitingPickup, CreatedAt: base, UpdatedAt: base}
	}
	o1 := order("o1", "F1", base.Add(48*time.Hour))
	o2 := order("o2", "F2", base)
	must(t, update(t, s, func(tx park.Tx) error {
		if err := tx.SaveRentalOrder(ctx, o1); err != nil {
			return err
		}
		return tx.SaveRentalOrder(ctx, o2)
	}))
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.SaveRentalOrder(ctx, order("o3", "F1", base)) }), park.EConflict)
	wantCode(t, update(t, s, func(tx park.Tx) error {
		o := order("o4", "F4", base)
		o.PlateKey = "nope"
		return tx.SaveRentalOrder(ctx, o)
	}), park.ENotFound)

	var got *park.RentalOrder
	must(t, s.View(ctx, func(tx park.Tx) (err error) { got, err = tx.GetChannelOrder(ctx, "c", "F1"); return }))
	if got.ID != "o1" || !got.PickupAt.Equal(o1.PickupAt) || got.Version != 1 {
		t.Fatalf("channel order F1: %+v", got)
	}
	var open []*park.RentalOrder
	must(t, s.View(ctx, func(tx park.Tx) (err error) { open, err = tx.VehicleOrders(ctx, "浙A12345"); return }))
	if len(open) != 2 || open[0].ID != "o2" || open[1].ID != "o1" {
		t.Fatalf("open orders %+v, want o2 then o1 by pick-up", open)
	}
	got.Status = park.OrderCancelled
	must(t, update(t, s, func(tx park.Tx) error { return tx.SaveRentalOrder(ctx, got) }))
	stale := *o1
	wantCode(t, update(t, s, func(tx park.Tx) error { return tx.SaveRentalOrder(ctx, &stale) }), park.EConflict)
	must(t, s.View(ctx, func(tx park.Tx) (err error) { open, err = tx.VehicleOrders(ctx, "浙A12345"); return }))
	if len(open) != 1 || open[0].ID != "o2" {
		t.Fatalf("open orders after a cancel %+v, want o2", open)
	}
	rented := func(lot string) bool {
		t.Helper()
		var r park.PlateRecords
		must(t, s.View(ctx, func(tx park.Tx) (err error) { r, err = tx.PlateRecords(ctx, lot, "浙A12345"); return }))
		return r.Rented
	}
	if !rented("L1") || !rented("L2") {
		t.Fatal("a plate with an open rental order has no rental in its records")
	}
	o2.Status = park.OrderCancelled
	must(t, update(t, s, func(tx park.Tx) error { return tx.SaveRentalOrder(ctx, o2) }))
	if rented("L1") {
		t.Fatal("a plate whose orders are all cancelled still counts as rented")
	}
	_, err := getOrder(s, "none")
	wantCode(t, err, park.ENotFound)
}

func getOrder(s park.Store, id string) (*park.RentalOrder, error) {
	var o *park.RentalOrder
	err := s.View(context.Background(), func(tx park.Tx) (err error) { o, err = tx.GetRentalOrder(context.Background(), id); return })
	return o, err
}
