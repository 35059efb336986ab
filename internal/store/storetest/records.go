package storetest

import (
	"context"
	"reflect"
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

// testLotAndPlate: the lot's settings, the plate's records and the open
// stay a store returns with them are what GetLotSettings, PlateRecords
// and FindInside read apart, in a read and in a write; an unknown lot is
// the same ENotFound.
func testLotAndPlate(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	// A car inside whose stay has every field set (an exit and its lane
	// too, which an open stay does not have, only so that they are seen
	// carried), so that the stay read with the lot is seen to carry every
	// column, and a car that left (its stay is not open).
	in := newStay("L1", "s1", "K-IN", "T1")
	in.Plate, in.Total, in.Paid, in.Discount, in.Anomaly, in.Source = "京A12345", 500, 200, 50, "note", "api"
	in.PassID, in.ReservationID, in.ExitLane = "p1", "r1", "out-2"
	paidUntil, passFrom, exitAt := base.Add(time.Hour), base.Add(-time.Hour), base.Add(2*time.Hour)
	in.PaidUntil, in.ExitAt = &paidUntil, &exitAt
	left := newStay("L1", "s2", "K-LEFT", "T2")
	must(t, update(t, s, func(tx park.Tx) error {
		for _, st := range []*park.Stay{in, left} {
			if err := tx.InsertStay(ctx, st); err != nil {
				return err
			}
		}
		// Free time kept and a pass's space taken are written by updates.
		in.PassFrom = &passFrom
		in.KeptFree = []park.Period{{From: base, To: base.Add(10 * time.Minute)}}
		if err := tx.UpdateStay(ctx, in); err != nil {
			return err
		}
		exit := base.Add(30 * time.Minute)
		left.State, left.ExitAt, left.ExitLane, left.UpdatedAt = park.StayOut, &exit, "out-1", exit
		if err := tx.UpdateStay(ctx, left); err != nil {
			return err
		}
		return tx.AddOccupied(ctx, "L1", 1)
	}))
	// A field added to park.Stay and not set above would compare equal
	// however either read dropped it.
	if zero := zeroFields(in); len(zero) > 0 {
		t.Fatalf("the fixture's stay leaves %v unset: set them above", zero)
	}
	check := func(tx park.Tx) error {
		for _, c := range []struct {
			key  string
			want park.PlateRecords
		}{{"K-IN", park.PlateRecords{Inside: true}}, {"K-LEFT", park.PlateRecords{}}, {"K-NONE", park.PlateRecords{}}} {
			want, err := tx.GetLotSettings(ctx, "L1")
			if err != nil {
				return err
			}
			l, r, st, err := tx.LotAndPlate(ctx, "L1", c.key)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(l, want) || r != c.want {
				t.Errorf("LotAndPlate(L1, %s) = %+v, %+v; want %+v, %+v", c.key, l, r, want, c.want)
			}
			// The stay is FindInside's, every column of it; none for a
			// car that left or never came.
			wantStay, err := tx.FindInside(ctx, "L1", c.key)
			switch {
			case c.want.Inside && err != nil:
				return err
			case c.want.Inside && !reflect.DeepEqual(wantStay, in):
				t.Errorf("FindInside(L1, %s) = %+v, want the stay written %+v", c.key, wantStay, in)
			case !c.want.Inside && !park.IsCode(err, park.ENotFound):
				t.Errorf("FindInside(L1, %s): %v, want not found", c.key, err)
			}
			// A store that reads them apart returns no stay; one that
			// returns it (PostgreSQL: its census counts no FindInside at
			// the exits) returns FindInside's, and none for a car not in.
			if st != nil && (!c.want.Inside || !reflect.DeepEqual(st, wantStay)) {
				t.Errorf("LotAndPlate(L1, %s)'s stay = %+v, FindInside's %+v", c.key, st, wantStay)
			}
			// The count is not read with the settings (Occupied 0) but
			// is answered after: 1 car inside.
			if n, err := tx.CountInside(ctx, "L1"); err != nil || n != 1 {
				t.Errorf("CountInside after LotAndPlate: %d (%v), want 1", n, err)
			}
		}
		_, wantErr := tx.GetLotSettings(ctx, "nope")
		if _, _, _, err := tx.LotAndPlate(ctx, "nope", "K-IN"); !park.IsCode(err, park.ENotFound) || err.Error() != wantErr.Error() {
			t.Errorf("LotAndPlate of an unknown lot: %v, want %v", err, wantErr)
		}
		return nil
	}
	must(t, s.View(ctx, check))
	must(t, update(t, s, check))
}

// zeroFields names the fields of the struct v points to that hold their
// zero value.
func zeroFields(v any) []string {
	rv := reflect.ValueOf(v).Elem()
	var zero []string
	for i := range rv.NumField() {
		if rv.Field(i).IsZero() {
			zero = append(zero, rv.Type().Field(i).Name)
		}
	}
	return zero
}
