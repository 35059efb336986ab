package partners_test

import (
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/partners"
)

// TestPeekTakesNoQuote: a lookup that only peeks prices the stay as a
// lookup does but takes no quote, so nothing is stored; the next plain
// lookup takes one.
func TestPeekTakesNoQuote(t *testing.T) {
	b := setup(t)
	p, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: "app", Name: "App", Dialect: "api-one",
		Type: park.PartnerNormal, Lots: []string{b.Lot}})
	if err != nil {
		t.Fatal(err)
	}
	d := b.Event(t, park.EventEntry, "京A12345", t0)
	b.Clock.Set(t0.Add(2 * time.Hour))
	quotes := func() int {
		t.Helper()
		var qs []*park.Quote
		if err := b.Store.View(b.Ctx, func(tx park.Tx) (err error) { qs, err = tx.ListStayQuotes(b.Ctx, d.StayID, 100); return err }); err != nil {
			t.Fatal(err)
		}
		return len(qs)
	}
	peek, err := b.Sys.Partners.LookupStay(b.Ctx, p, partners.StayLookup{Locator: d.Locator, Peek: true})
	if err != nil || peek.Due != fee(2*time.Hour) || peek.Quote != nil {
		t.Fatalf("peek: %+v, %v; want due %d and no quote", peek, err, fee(2*time.Hour))
	}
	if n := quotes(); n != 0 {
		t.Fatalf("a peek stored %d quotes", n)
	}
	st, err := b.Sys.Partners.LookupStay(b.Ctx, p, partners.StayLookup{Locator: d.Locator})
	if err != nil || st.Quote == nil || st.Quote.AmountDue != peek.Due || quotes() != 1 {
		t.Fatalf("lookup after the peek: %+v, %v; want one quote of %d", st, err, peek.Due)
	}
}
