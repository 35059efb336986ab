package partners_test

import (
	"errors"
	"slices"
	"testing"

	"parkd/internal/park"
	"parkd/internal/partners"
	"parkd/internal/systemtest"
)

// TestLookupRefusalsNameTheirRule: a look-up that names neither a ticket
// nor a plate, or both, is refused on the locator with the rule it broke
// (required; excludes the plate), so a partner's program can tell the
// two apart without reading the English.
func TestLookupRefusalsNameTheirRule(t *testing.T) {
	b := systemtest.New(t)
	p, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: "app", Name: "App", Dialect: "api-one",
		Type: park.PartnerNormal, Lots: []string{b.Lot}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		q      partners.StayLookup
		reason string
		params []string
	}{
		{"Neither", partners.StayLookup{Lot: b.Lot}, park.ReasonRequired, nil},
		{"Both", partners.StayLookup{Lot: b.Lot, Locator: "1234", Plate: "京A12345"}, park.ReasonExcludes, []string{"plate"}},
	} {
		_, err := b.Sys.Partners.LookupStay(b.Ctx, p, c.q)
		var pe *park.Error
		if !errors.As(err, &pe) || pe.Code != park.EInvalid || pe.Field != "locator" || pe.Reason != c.reason || !slices.Equal(pe.Params, c.params) {
			t.Errorf("%s: %v (%+v), want invalid locator, reason %s %v", c.name, err, pe, c.reason, c.params)
		}
	}
}
