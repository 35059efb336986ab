package partners_test

import (
	"testing"

	"parkd/internal/park"
	"parkd/internal/partners"
)

// TestLookupReadsThePartnersLots: a lookup searches the lots the partner
// is registered for as the store holds them, not as the caller's copy of
// the partner says: a copy naming a lot the partner no longer has finds
// nothing there, by ticket, by plate, or naming the lot (field lot).
func TestLookupReadsThePartnersLots(t *testing.T) {
	b := setup(t)
	b.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	p, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: "app", Name: "App", Dialect: "api-one",
		Type: park.PartnerNormal, Lots: []string{"OTHER"}})
	if err != nil {
		t.Fatal(err)
	}
	d := b.Event(t, park.EventEntry, "京A12345", t0)
	stale := *p
	stale.Lots = []string{b.Lot, "OTHER"} // as read before the lot was taken
	for _, q := range []partners.StayLookup{{Locator: d.Locator}, {Plate: "京A12345"}} {
		if _, err := b.Sys.Partners.LookupStay(b.Ctx, &stale, q); !park.IsCode(err, park.ENotFound) {
			t.Errorf("lookup %+v in a lot the partner no longer has: %v, want not found", q, err)
		}
	}
	_, err = b.Sys.Partners.LookupStay(b.Ctx, &stale, partners.StayLookup{Locator: d.Locator, Lot: b.Lot})
	if pe, _ := err.(*park.Error); pe == nil || pe.Code != park.ENotFound || pe.Field != "lot" {
		t.Errorf("lookup naming the lot: %v, want not found naming the lot", err)
	}
}
