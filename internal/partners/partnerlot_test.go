package partners_test

import (
	"testing"
	"time"

	"parkd/internal/gate"

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

// TestLookupAcrossLots: a lookup by plate naming no lot finds the car in
// the partner's lots only, the latest entry winning; once that car left,
// the one still inside in another lot; and prices the stay it found.
func TestLookupAcrossLots(t *testing.T) {
	b := setup(t)
	b.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	b.CreateLot(t, "THIRD", 10, park.MissedEntryHold)
	p, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: "app", Name: "App", Dialect: "api-one",
		Type: park.PartnerNormal, Lots: []string{b.Lot, "OTHER"}})
	if err != nil {
		t.Fatal(err)
	}
	event := func(lot, typ string, at time.Time) park.Decision {
		t.Helper()
		lane := map[string]string{park.EventEntry: "in-1", park.EventExit: "out-1"}[typ]
		d, err := b.Sys.Gate.HandleEvent(b.Ctx, gate.EventInput{LotCode: lot, ID: lot + typ + at.String(), Type: typ,
			Plate: "京A12345", Lane: lane, At: at})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	// The clock is at t0+6h. The car entered the lot at t0, OTHER at
	// t0+1h, THIRD (not the partner's) at t0+2h.
	inLot, inOther := event(b.Lot, park.EventEntry, t0), event("OTHER", park.EventEntry, t0.Add(time.Hour))
	event("THIRD", park.EventEntry, t0.Add(2*time.Hour))
	s, err := b.Sys.Partners.LookupStay(b.Ctx, p, partners.StayLookup{Plate: "京A12345"})
	if err != nil {
		t.Fatal(err)
	}
	// OTHER's stay: 5 h = 10 started half hours at 2.00.
	if s.Stay.ID != inOther.StayID || s.Lot.Code != "OTHER" || s.Due != 2000 {
		t.Errorf("found stay %s in %s due %d, want %s in OTHER due 2000", s.Stay.ID, s.Lot.Code, s.Due, inOther.StayID)
	}
	// The operator removes it from OTHER: only a car inside is found.
	if err := b.Sys.Gate.RemoveInside(b.Ctx, "", "OTHER", "京A12345", "ops", "left unseen"); err != nil {
		t.Fatal(err)
	}
	s, err = b.Sys.Partners.LookupStay(b.Ctx, p, partners.StayLookup{Plate: "京A12345"})
	if err != nil {
		t.Fatal(err)
	}
	// The lot's stay: 6 h = 12 started half hours at 2.00.
	if s.Stay.ID != inLot.StayID || s.Lot.Code != b.Lot || s.Due != 2400 {
		t.Errorf("found stay %s in %s due %d, want %s in %s due 2400", s.Stay.ID, s.Lot.Code, s.Due, inLot.StayID, b.Lot)
	}
}
