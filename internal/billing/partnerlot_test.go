package billing_test

import (
	"testing"

	"parkd/internal/billing"
	"parkd/internal/park"
)

// TestMemberQuoteReadsThePartnersLots: a member quote is taken only in a
// lot the partner is registered for as the store holds it, not as the
// caller's copy of the partner says: a copy naming a lot the partner no
// longer has is refused as if the lot did not exist.
func TestMemberQuoteReadsThePartnersLots(t *testing.T) {
	b := setup(t)
	b.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	crm := b.partner(t, "crm", "OTHER")
	b.Event(t, park.EventEntry, "京A12345", t0)
	stale := *crm
	stale.Lots = []string{b.Lot, "OTHER"} // as read before the lot was taken
	st, err := b.Sys.Billing.MemberQuote(b.Ctx, &stale, b.Lot, "京A12345", billing.MemberBenefit{Member: "VIP-1", Minutes: 30})
	if pe, _ := err.(*park.Error); pe == nil || pe.Code != park.ENotFound || pe.Field != "lot" {
		t.Fatalf("a member quote in a lot the partner no longer has: %+v, %v; want not found naming the lot", st, err)
	}
}
