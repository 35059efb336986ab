package billing_test

import (
	"testing"
	"time"

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

// TestCouponsAndInvoicesInALotTakenFromThePartner: a partner's coupons
// and the invoice data of its payments are read and withdrawn only in
// the lots it is registered for as the use case's transaction reads
// them: once the lot is taken from it (deleted and registered again for
// another lot, as a change made on another node), the lot is refused as
// if it did not exist (ENotFound, field lot), its coupon stays issued,
// and issuing there is refused too.
func TestCouponsAndInvoicesInALotTakenFromThePartner(t *testing.T) {
	b := setup(t)
	b.Clock.Set(t0)
	b.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	b.partner(t, "app", b.Lot)
	b.issue(t, billing.CouponInput{ID: "C1", Plate: "京A12345", Kind: park.CouponMinutes, Value: 60, Issuer: "app"})
	d := b.Event(t, park.EventEntry, "京B12345", t0)
	at := t0.Add(2 * time.Hour)
	b.Clock.Set(at)
	q, err := b.Sys.Billing.CreateQuote(b.Ctx, d.StayID, "app")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "wechat", Payer: "app", Reference: "T-1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Sys.Billing.PaymentInvoice(b.Ctx, "app", b.Lot, q.ID, ""); err != nil {
		t.Fatalf("the invoice while the lot is the partner's: %v", err)
	}

	if err := b.Sys.Partners.DeletePartner(b.Ctx, "app"); err != nil {
		t.Fatal(err)
	}
	b.partner(t, "app", "OTHER")
	for _, c := range []struct {
		name string
		call func() error
	}{
		{"GetCoupon", func() error { _, err := b.Sys.Billing.GetCoupon(b.Ctx, b.Lot, "C1", "app"); return err }},
		{"DeleteCoupon", func() error { _, err := b.Sys.Billing.DeleteCoupon(b.Ctx, b.Lot, "C1", "app"); return err }},
		{"ListCoupons", func() error {
			_, _, err := b.Sys.Billing.ListCoupons(b.Ctx, billing.CouponQuery{LotCode: b.Lot, Issuer: "app", Limit: 10})
			return err
		}},
		{"IssueCoupon", func() error {
			_, err := b.Sys.Billing.IssueCoupon(b.Ctx, billing.CouponInput{LotCode: b.Lot, ID: "C2", Plate: "京A12345",
				Kind: park.CouponMinutes, Value: 60, Issuer: "app"})
			return err
		}},
		{"PaymentInvoice by quote", func() error { _, err := b.Sys.Billing.PaymentInvoice(b.Ctx, "app", b.Lot, q.ID, ""); return err }},
		{"PaymentInvoice by reference", func() error { _, err := b.Sys.Billing.PaymentInvoice(b.Ctx, "app", b.Lot, "", "T-1"); return err }},
	} {
		err := c.call()
		if pe, _ := err.(*park.Error); pe == nil || pe.Code != park.ENotFound || pe.Field != "lot" {
			t.Errorf("%s in a lot taken from the partner: %v, want not found naming the lot", c.name, err)
		}
	}
	if c := b.coupon(t, "C1"); c.State != park.CouponIssued {
		t.Fatalf("the coupon after a refused withdrawal: %+v", c)
	}
	if _, n, err := b.Sys.Billing.ListCoupons(b.Ctx, billing.CouponQuery{LotCode: b.Lot, Limit: 10}); err != nil || n != 1 {
		t.Fatalf("the lot's coupons after a refused issue: %d, %v; want 1", n, err)
	}
}
