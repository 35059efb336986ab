package access_test

import (
	"testing"

	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// bundle is one test's core (systemtest.Bundle) with this package's helpers.
type bundle struct{ *systemtest.Bundle }

// setup builds a core with the partners p1, p2 and p3, which may use the
// bundle's lot.
func setup(t *testing.T) *bundle {
	b := &bundle{systemtest.New(t)}
	for _, id := range []string{"p1", "p2", "p3"} {
		b.partner(t, id, b.Lot)
	}
	return b
}

// partner registers a partner that may use lots.
func (b *bundle) partner(t *testing.T, id string, lots ...string) {
	t.Helper()
	if _, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: id, Name: id, Dialect: "api-one",
		Type: park.PartnerNormal, Lots: lots}); err != nil {
		t.Fatal(err)
	}
}

var (
	wantDecision = systemtest.WantDecision
	wantCode     = systemtest.WantCode
	fee          = systemtest.Fee
	t0           = systemtest.T0
)
