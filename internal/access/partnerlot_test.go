package access_test

import (
	"encoding/json"
	"testing"
	"time"

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

// TestPassesAndListsInALotTakenFromThePartner: passes, lists and plans
// are acted on by a partner only in the lots it is registered for as the
// use case's own transaction reads them: once a lot is taken from the
// partner (here it is deleted and registered again for another lot, as
// a change made on another node), every such use case refuses that lot
// as if it did not exist (ENotFound, field lot) and changes nothing.
func TestPassesAndListsInALotTakenFromThePartner(t *testing.T) {
	b := setup(t)
	b.Clock.Set(t0)
	a := b.Sys.Access
	b.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	b.partner(t, "near", b.Lot)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := a.CreatePlan(b.Ctx, b.Lot, &park.Plan{Code: "month", Name: "月租", Price: 30000})
	must(err)
	_, err = a.CreatePlan(b.Ctx, b.Lot, &park.Plan{Code: "night", Name: "夜间", Price: 15000, Slots: nightSlots})
	must(err)
	whole, err := a.CreatePass(b.Ctx, "near", b.Lot, &park.Pass{HolderName: "张三", Plates: []string{"京A11111"}, UserCode: "U1",
		Plan: "month", ValidFrom: t0, ValidTo: t0.AddDate(0, 1, 0)})
	must(err)
	_, _, err = a.SaveSlotPass(b.Ctx, "near", b.Lot, access.PassRef{}, &park.Pass{HolderName: "李四", Plates: []string{"京N22222"},
		UserCode: "N1", Plan: "night", ValidFrom: t0, ValidTo: t0.AddDate(0, 1, 0)})
	must(err)
	_, err = a.PutListEntry(b.Ctx, "near", b.Lot, &park.WhitelistEntry{Plate: "京B33333", Kind: park.AccessAllow,
		Category: park.ListWhite, ValidFrom: t0, ValidTo: t0.AddDate(0, 1, 0)})
	must(err)
	_, err = a.PutListEntry(b.Ctx, "near", b.Lot, &park.WhitelistEntry{Plate: "京H44444", Kind: park.AccessAllow,
		Category: park.ListHotel, ValidFrom: t0, ValidTo: t0.AddDate(0, 0, 2), Reason: "801"})
	must(err)
	_, err = a.PutSpecialVehicle(b.Ctx, "near", b.Lot, "京C55555", "blacklist", time.Time{}, time.Time{})
	must(err)
	r, _, err := a.QuoteRenewal(b.Ctx, access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{ID: whole.ID}, Months: 1, Source: "near"})
	must(err)

	// What the lot holds, as an operator reads it.
	state := func() string {
		t.Helper()
		passes, err := a.ListPasses(b.Ctx, "", b.Lot)
		must(err)
		entries, err := a.ListWhitelist(b.Ctx, b.Lot)
		must(err)
		plans, err := a.ListPlans(b.Ctx, "", b.Lot)
		must(err)
		rn, err := a.GetRenewal(b.Ctx, b.Lot, r.ID)
		must(err)
		out, err := json.Marshal([]any{passes, entries, plans, rn})
		must(err)
		return string(out)
	}
	before := state()

	must(b.Sys.Partners.DeletePartner(b.Ctx, "near"))
	b.partner(t, "near", "OTHER")

	span := park.WhitelistEntry{Plate: "京D66666", Kind: park.AccessAllow, Category: park.ListWhite, ValidFrom: t0, ValidTo: t0.AddDate(0, 1, 0)}
	newPass := func(code, plate, plan string) *park.Pass {
		return &park.Pass{HolderName: "王五", Plates: []string{plate}, UserCode: code, Plan: plan, ValidFrom: t0, ValidTo: t0.AddDate(0, 2, 0)}
	}
	for _, c := range []struct {
		name string
		call func() error
	}{
		{"CreatePass", func() error {
			_, err := a.CreatePass(b.Ctx, "near", b.Lot, newPass("U9", "京E77777", "month"))
			return err
		}},
		{"UpdatePassBy", func() error {
			_, err := a.UpdatePassBy(b.Ctx, "near", b.Lot, access.PassRef{ID: whole.ID}, func(p *park.Pass) error {
				p.ValidTo = t0.AddDate(1, 0, 0)
				return nil
			})
			return err
		}},
		{"DeletePassBy", func() error { _, err := a.DeletePassBy(b.Ctx, "near", b.Lot, access.PassRef{ID: whole.ID}); return err }},
		{"ListPasses", func() error { _, err := a.ListPasses(b.Ctx, "near", b.Lot); return err }},
		{"PassForHolder", func() error { _, err := a.PassForHolder(b.Ctx, "near", b.Lot, "京A11111", "13800000000"); return err }},
		{"SyncPasses", func() error {
			_, err := a.SyncPasses(b.Ctx, "near", b.Lot, []*park.Pass{newPass("U1", "京A11111", "month")})
			return err
		}},
		{"SaveSlotPass", func() error {
			_, _, err := a.SaveSlotPass(b.Ctx, "near", b.Lot, access.PassRef{UserCode: "N1"}, newPass("N1", "京N22222", "night"))
			return err
		}},
		{"DeleteSlotPass", func() error {
			_, err := a.DeleteSlotPass(b.Ctx, "near", b.Lot, access.PassRef{UserCode: "N1"})
			return err
		}},
		{"ListPlans", func() error { _, err := a.ListPlans(b.Ctx, "near", b.Lot); return err }},
		{"QuoteRenewal", func() error {
			_, _, err := a.QuoteRenewal(b.Ctx, access.RenewalInput{Lot: b.Lot, Pass: access.PassRef{ID: whole.ID}, Months: 1, Source: "near"})
			return err
		}},
		{"PayRenewal", func() error {
			_, err := a.PayRenewal(b.Ctx, access.RenewalPayment{Lot: b.Lot, ID: r.ID, Amount: r.Amount, Payer: "near", Reference: "T-1"})
			return err
		}},
		{"PutListEntry", func() error { e := span; _, err := a.PutListEntry(b.Ctx, "near", b.Lot, &e); return err }},
		{"DeleteListEntry", func() error {
			_, err := a.DeleteListEntry(b.Ctx, "near", b.Lot, "京B33333", park.ListWhite)
			return err
		}},
		{"DeleteListEntry hotel", func() error {
			_, err := a.DeleteListEntry(b.Ctx, "near", b.Lot, "京H44444", park.ListHotel)
			return err
		}},
		{"ListEntries", func() error { _, err := a.ListEntries(b.Ctx, "near", b.Lot, park.ListHotel, ""); return err }},
		{"PutSpecialVehicle", func() error {
			_, err := a.PutSpecialVehicle(b.Ctx, "near", b.Lot, "京F88888", "police", time.Time{}, time.Time{})
			return err
		}},
		{"FindInternalCar", func() error { _, err := a.FindInternalCar(b.Ctx, "near", b.Lot, "京A11111"); return err }},
	} {
		err := c.call()
		if pe, _ := err.(*park.Error); pe == nil || pe.Code != park.ENotFound || pe.Field != "lot" {
			t.Errorf("%s in a lot taken from the partner: %v, want not found naming the lot", c.name, err)
		}
	}
	if after := state(); after != before {
		t.Fatalf("refused calls changed the lot:\nbefore %s\nafter  %s", before, after)
	}
	// The operator ("") still acts on every lot.
	if _, err := a.ListPasses(b.Ctx, "", b.Lot); err != nil {
		t.Fatal(err)
	}
}
