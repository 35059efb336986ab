package charging_test

import (
	"testing"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// TestStartOnAnotherLotsCharger: a partner asking to charge on a charger
// of a lot it is not registered for is told the charger does not exist,
// whatever the state of that charger or the connector asked for: busy,
// a connector it does not have, one that is free. Nothing is started.
func TestStartOnAnotherLotsCharger(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	r.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	if _, err := r.Sys.Partners.CreatePartner(r.Ctx, &park.Partner{ID: "far", Name: "Far", Dialect: "api-one",
		Type: park.PartnerNormal, Lots: []string{"OTHER"}}); err != nil {
		t.Fatal(err)
	}
	busy := r.start(t, local(0, 10, 0), 500, 1000) // connector 1, the operator's
	for _, connector := range []int{1, 2, 9} {
		_, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CP1", Connector: connector, Prepaid: 500,
			Source: park.SourcePartner, PartnerID: "far"})
		if !park.IsCode(err, park.ENotFound) {
			t.Errorf("connector %d of another lot's charger: %v, want not found", connector, err)
		}
	}
	pg, err := r.cs.Sessions(r.Ctx, park.ChargeSessionFilter{ChargerID: "CP1", Limit: 10}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pg.Sessions) != 1 || pg.Sessions[0].ID != busy.ID {
		t.Fatalf("sessions on CP1 after the refusals: %d, want the operator's alone", len(pg.Sessions))
	}
}

// TestStandardUseOfAPartner: how many chargers use a standard counts, for
// a partner, only the chargers of its lots; the operator counts every
// lot's.
func TestStandardUseOfAPartner(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	r.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	for _, p := range []struct{ id, lot string }{{"far", "OTHER"}, {"near", r.Lot}} {
		if _, err := r.Sys.Partners.CreatePartner(r.Ctx, &park.Partner{ID: p.id, Name: p.id, Dialect: "api-one",
			Type: park.PartnerNormal, Lots: []string{p.lot}}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := r.cs.ChargerFor(r.Ctx, "", "CP1")
	if err != nil {
		t.Fatal(err)
	}
	for who, want := range map[string]int{"": 1, "near": 1, "far": 0} {
		use, err := r.cs.StandardUse(r.Ctx, who)
		if err != nil || use[c.StandardID] != want {
			t.Errorf("use of CP1's standard for %q: %v, %v; want %d", who, use, err, want)
		}
	}
}
