package gate_test

import (
	"testing"

	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// bundle is one test's core (systemtest.Bundle) with this package's helpers.
type bundle struct{ *systemtest.Bundle }

func setup(t *testing.T) *bundle { return &bundle{systemtest.New(t)} }

var (
	wantDecision = systemtest.WantDecision
	wantCode     = systemtest.WantCode
	fee          = systemtest.Fee
	t0           = systemtest.T0
)

// partner registers a partner that may use lots.
func (b *bundle) partner(t *testing.T, id string, lots ...string) {
	t.Helper()
	if _, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: id, Name: id, Dialect: "api-one",
		Type: park.PartnerNormal, Lots: lots}); err != nil {
		t.Fatal(err)
	}
}
