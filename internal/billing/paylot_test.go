package billing_test

import (
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/park"
)

// TestPayInALotTakenFromThePartner: a partner paying in a lot it names
// pays only while it is registered for that lot: once the lot is taken,
// its quote there is refused (not found, field lot) and nothing is paid;
// a payment it made before is still answered when repeated.
func TestPayInALotTakenFromThePartner(t *testing.T) {
	b := setup(t)
	b.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	crm := b.partner(t, "crm", b.Lot, "OTHER")
	b.Event(t, park.EventEntry, "京A12345", t0)
	b.Event(t, park.EventEntry, "京B22222", t0)
	b.Clock.Set(t0.Add(2 * time.Hour))
	quote := func(plate string) *billing.StayStatus {
		t.Helper()
		st, err := b.Sys.Billing.MemberQuote(b.Ctx, crm, b.Lot, plate, billing.MemberBenefit{Member: "VIP-1"})
		if err != nil || st.Quote == nil || st.Due <= 0 {
			t.Fatalf("quote for %s: %+v, %v", plate, st, err)
		}
		return st
	}
	paid, second := quote("京A12345"), quote("京B22222")
	req := park.PaymentRequest{QuoteID: paid.Quote.ID, Amount: paid.Due, Method: "wechat", Payer: "crm", Reference: "T-1", Lot: b.Lot}
	first, err := b.Sys.Billing.Pay(b.Ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Store.Update(b.Ctx, func(tx park.Tx) error {
		p, err := tx.GetPartner(b.Ctx, "crm")
		if err != nil {
			return err
		}
		p.Lots = []string{"OTHER"}
		return tx.SetChannelPartner(b.Ctx, p)
	}); err != nil {
		t.Fatal(err)
	}
	_, err = b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: second.Quote.ID, Amount: second.Due, Method: "wechat",
		Payer: "crm", Reference: "T-2", Lot: b.Lot})
	if pe, _ := err.(*park.Error); pe == nil || pe.Code != park.ENotFound || pe.Field != "lot" {
		t.Fatalf("a payment in a lot taken from the partner: %v, want not found naming the lot", err)
	}
	_ = b.Store.View(b.Ctx, func(tx park.Tx) error {
		if p, err := tx.GetPaymentByReference(b.Ctx, "crm", "T-2"); !park.IsCode(err, park.ENotFound) {
			t.Fatalf("a refused payment was recorded: %+v, %v", p, err)
		}
		return nil
	})
	again, err := b.Sys.Billing.Pay(b.Ctx, req)
	if err != nil || !again.Replay || again.Payment.ID != first.Payment.ID {
		t.Fatalf("the earlier payment repeated: %+v, %v", again, err)
	}
}
