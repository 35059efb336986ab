package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"parkd/internal/park"
)

// testStayReadAsWritten reads a stay back in the transaction that wrote
// it (as the gate does to report an entry, an exit and its order) and
// compares it with what a later transaction reads: a store that answers
// from what it wrote must answer what it stored, to the column. Times
// are given off UTC and below the stored precision; each change writes
// one of the update's shapes, and one also moves a column no update
// writes (the entry time) on the caller's copy only.
func testStayReadAsWritten(t *testing.T, s park.Store) {
	ctx := context.Background()
	seedLot(t, s, "L1")
	zone := time.FixedZone("UTC+8", 8*3600)
	at := func(min int) time.Time { return time.Date(2026, 12, 7, 18, min, 0, 123456789, zone) }
	ptr := func(t time.Time) *time.Time { return &t }
	// sameAsStored runs change in a transaction, reads the stay there
	// after it, and compares that with a read after commit.
	sameAsStored := func(name string, change func(tx park.Tx) error) {
		t.Helper()
		var inside *park.Stay
		must(t, update(t, s, func(tx park.Tx) error {
			if err := change(tx); err != nil {
				return err
			}
			var err error
			inside, err = tx.GetStay(ctx, "s1")
			return err
		}))
		var stored *park.Stay
		must(t, s.View(ctx, func(tx park.Tx) (err error) { stored, err = tx.GetStay(ctx, "s1"); return }))
		if !reflect.DeepEqual(inside, stored) {
			t.Fatalf("%s: read in the writing transaction\n%+v\nstored\n%+v", name, inside, stored)
		}
	}
	read := func(tx park.Tx) (*park.Stay, error) { return tx.FindInside(ctx, "L1", "K1") }

	sameAsStored("inserted", func(tx park.Tx) error {
		st := &park.Stay{
			ID: "s1", LotCode: "L1", Plate: "京A12345", PlateKey: "K1", VehicleClass: park.ClassSmall,
			Locator: "1000000001", EntryAt: at(0), EntryLane: "in-1", State: park.StayIn, PassID: "p1",
			Total: 100, Paid: 50, Discount: 20, PaidUntil: ptr(at(30)), Anomaly: "clock", Source: "partner-1",
			ReservationID: "r1", KeptFree: []park.Period{{From: at(1), To: at(2)}}, PassFrom: ptr(at(3)),
			UpdatedAt: at(4),
		}
		return tx.InsertStay(ctx, st)
	})
	sameAsStored("paid (amounts only)", func(tx park.Tx) error {
		st, err := read(tx)
		if err != nil {
			return err
		}
		st.Total, st.Paid, st.PaidUntil, st.UpdatedAt = 300, 300, ptr(at(40)), at(35)
		st.EntryAt = at(-60) // no update writes the entry time
		return tx.UpdateStay(ctx, st)
	})
	sameAsStored("kept free, twice", func(tx park.Tx) error {
		st, err := read(tx)
		if err != nil {
			return err
		}
		st.KeptFree, st.PassFrom, st.PassID = []park.Period{{From: at(5), To: at(6)}}, nil, ""
		if err := tx.UpdateStay(ctx, st); err != nil {
			return err
		}
		st.Anomaly, st.ReservationID = "", ""
		return tx.UpdateStay(ctx, st)
	})
	sameAsStored("another plate", func(tx park.Tx) error {
		st, err := read(tx)
		if err != nil {
			return err
		}
		st.Plate, st.PlateKey, st.VehicleClass = "京A12346", "K2", park.ClassLarge
		return tx.UpdateStay(ctx, st)
	})
	var was *park.Stay
	must(t, s.View(ctx, func(tx park.Tx) (err error) { was, err = tx.GetStay(ctx, "s1"); return }))
	sameAsStored("left, updated without a read in its transaction", func(tx park.Tx) error {
		st := *was
		st.State, st.ExitAt, st.ExitLane, st.UpdatedAt = park.StayOut, ptr(at(50)), "out-1", at(50)
		return tx.UpdateStay(ctx, &st)
	})
}
