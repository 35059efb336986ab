package storetest

import (
	"context"
	"testing"
	"time"

	"parkd/internal/park"
)

// testPlateRecords: each kind of record is seen for its plate in its lot
// only, a reservation only while booked, a stay only while the car is
// inside, and a plate with none has none.
func testPlateRecords(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	seedLot(t, s, "L2")
	must(t, update(t, s, func(tx park.Tx) error { return tx.CreatePartner(ctx, newPartner("app", "L1")) }))
	res := newReservation("r1", "app", "L1", "O1", "K-RES", base)
	must(t, update(t, s, func(tx park.Tx) error {
		if err := tx.CreateWhitelist(ctx, &park.WhitelistEntry{ID: "w1", LotCode: "L1", Plate: "K-LIST", PlateKey: "K-LIST",
			Kind: park.AccessDeny, Category: park.ListWhite, ValidFrom: base, ValidTo: base.AddDate(1, 0, 0), CreatedAt: base, UpdatedAt: base}); err != nil {
			return err
		}
		if err := tx.CreatePass(ctx, &park.Pass{ID: "p1", LotCode: "L1", HolderName: "张伟", Plates: []string{"K-PASS"},
			PlateKeys: []string{"K-PASS"}, Spaces: 1, ValidFrom: base, ValidTo: base.AddDate(0, 1, 0), Plan: "m",
			CreatedAt: base, UpdatedAt: base}); err != nil {
			return err
		}
		if err := tx.CreateReservation(ctx, res); err != nil {
			return err
		}
		if err := tx.Lock(ctx, &park.Lock{LotCode: "L1", PlateKey: "K-LOCK", LockedAt: base, By: "app"}); err != nil {
			return err
		}
		if err := tx.InsertStay(ctx, newStay("L1", "s1", "K-IN", "T1")); err != nil {
			return err
		}
		return tx.CreateCoupon(ctx, &park.Coupon{ID: "c1", LotCode: "L1", Plate: "K-COUP", PlateKey: "K-COUP",
			Kind: park.CouponMinutes, Value: 60, Issuer: "mall", ValidFrom: base, ValidTo: base.AddDate(0, 0, 1),
			State: park.CouponIssued, CreatedAt: base, UpdatedAt: base})
	}))
	records := func(lot, key string) park.PlateRecords {
		t.Helper()
		var r park.PlateRecords
		must(t, s.View(ctx, func(tx park.Tx) (err error) { r, err = tx.PlateRecords(ctx, lot, key); return }))
		return r
	}
	for _, c := range []struct {
		lot, key string
		want     park.PlateRecords
	}{
		{"L1", "K-LIST", park.PlateRecords{Listed: true}},
		{"L1", "K-PASS", park.PlateRecords{Pass: true}},
		{"L1", "K-RES", park.PlateRecords{Reserved: true}},
		{"L1", "K-LOCK", park.PlateRecords{Locked: true}},
		{"L1", "K-COUP", park.PlateRecords{Coupons: true}},
		{"L1", "K-IN", park.PlateRecords{Inside: true}},
		{"L1", "K-NONE", park.PlateRecords{}},
		{"L2", "K-LIST", park.PlateRecords{}},
		{"L2", "K-PASS", park.PlateRecords{}},
		{"L2", "K-LOCK", park.PlateRecords{}},
		{"L2", "K-COUP", park.PlateRecords{}},
		{"L2", "K-IN", park.PlateRecords{}},
	} {
		if got := records(c.lot, c.key); got != c.want {
			t.Errorf("PlateRecords(%s, %s) = %+v, want %+v", c.lot, c.key, got, c.want)
		}
	}
	res.State = park.ReservationTerminated
	must(t, update(t, s, func(tx park.Tx) error { return tx.UpdateReservation(ctx, res) }))
	if got := records("L1", "K-RES"); got.Reserved {
		t.Errorf("a terminated reservation still counts: %+v", got)
	}
	must(t, update(t, s, func(tx park.Tx) error {
		st, err := tx.GetStay(ctx, "s1")
		if err != nil {
			return err
		}
		out := base.Add(time.Hour)
		st.State, st.ExitAt, st.ExitLane = park.StayOut, &out, "out-1"
		return tx.UpdateStay(ctx, st)
	}))
	if got := records("L1", "K-IN"); got.Inside {
		t.Errorf("a stay that ended still counts as inside: %+v", got)
	}
}
