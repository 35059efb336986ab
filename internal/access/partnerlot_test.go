package access_test

import (
	"testing"

	"parkd/internal/access"
	"parkd/internal/park"
)

// TestReservationInAnotherPartnersLot: a partner may book, look up and
// terminate orders only in the lots it is registered for. An order in
// another lot is refused as if the lot did not exist (field lot) and is
// not stored; an order it booked while registered for a lot it no longer
// is can be neither read nor terminated.
func TestReservationInAnotherPartnersLot(t *testing.T) {
	b := setup(t)
	b.Clock.Set(t0)
	b.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	b.partner(t, "far", "OTHER")
	refused := func(what string, err error) {
		t.Helper()
		if pe, _ := err.(*park.Error); pe == nil || pe.Code != park.ENotFound || pe.Field != "lot" {
			t.Errorf("%s in a lot not the partner's: %v, want not found naming the lot", what, err)
		}
	}
	in := b.order("ORD-F", "京A12345")
	in.PartnerID = "far"
	_, _, err := b.Sys.Access.SyncReservation(b.Ctx, in)
	refused("a booking", err)
	stored := func(partner, no string) *park.Reservation {
		var r *park.Reservation
		_ = b.Store.View(b.Ctx, func(tx park.Tx) (err error) { r, err = tx.FindReservation(b.Ctx, partner, b.Lot, no); return nil })
		return r
	}
	if r := stored("far", "ORD-F"); r != nil {
		t.Fatalf("a refused booking was stored: %+v", r)
	}

	// "near" books while the lot is its own, then is registered for
	// another lot alone (deleted and created again).
	b.partner(t, "near", b.Lot)
	in.PartnerID = "near"
	b.sync(t, in)
	if err := b.Sys.Partners.DeletePartner(b.Ctx, "near"); err != nil {
		t.Fatal(err)
	}
	b.partner(t, "near", "OTHER")
	_, err = b.Sys.Access.FindReservations(b.Ctx, access.ReservationQuery{PartnerID: "near", LotCode: b.Lot, OrderNo: "ORD-F"})
	refused("a look-up by order", err)
	_, err = b.Sys.Access.FindReservations(b.Ctx, access.ReservationQuery{PartnerID: "near", LotCode: b.Lot, Plate: "京A12345"})
	refused("a look-up by plate", err)
	_, err = b.Sys.Access.TerminateReservation(b.Ctx, "near", b.Lot, "ORD-F")
	refused("a termination", err)
	if r := stored("near", "ORD-F"); r == nil || r.TerminatedAt != nil {
		t.Fatalf("the order after a refused termination: %+v", r)
	}
}
