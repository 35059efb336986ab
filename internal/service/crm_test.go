package service_test

import (
	"testing"

	"parkd/internal/park"
	"parkd/internal/service"
)

func (b *bundle) partner(t *testing.T, id string, lots ...string) *park.Partner {
	t.Helper()
	p, err := b.svc.CreatePartner(b.ctx, &park.Partner{ID: id, Name: id, Dialect: park.DialectEbopark,
		Type: park.PartnerNormal, Secret: "s", SignMode: "static", Lots: lots})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMemberQuote: a CRM's member benefit applies with the car's coupons,
// is carried by the quote, and paying that quote uses the coupons; the
// invoice data of the payment is the partner's to read.
func TestMemberQuote(t *testing.T) {
	b := setup(t)
	crm := b.partner(t, "crm", b.lot)
	d := b.event(t, park.EventEntry, "京A12345", t0) // 6 h inside: 2400
	b.issue(t, service.CouponInput{ID: "M60", Plate: "京A12345", Kind: park.CouponMinutes, Value: 60})
	st, err := b.svc.MemberQuote(b.ctx, crm, b.lot, "京A12345", service.MemberBenefit{Member: "VIP-1", Minutes: 30, Amount: 300})
	if err != nil {
		t.Fatal(err)
	}
	// Time first: 60 + 30 minutes off = priced as 4 h 30 = 9 half-hours =
	// 1800 (the coupon 400, the member's minutes 200); then 300 off: 1500.
	coupons, member := service.Deductions(st.Lines)
	if st.Due != 1500 || st.Quote == nil || st.Quote.AmountDue != 1500 || coupons != 400 || member != 500 {
		t.Fatalf("due %d coupons %d member %d quote %+v, want 1500, 400, 500", st.Due, coupons, member, st.Quote)
	}
	// A plain fee query has no member benefit.
	if q := b.quote(t, d.StayID); q.AmountDue != 2000 {
		t.Fatalf("plain quote %d, want 2000", q.AmountDue)
	}
	res, err := b.svc.PayFor(b.ctx, "crm", park.PaymentRequest{QuoteID: st.Quote.ID, Amount: 1500, Method: "crm", Reference: "T-9"})
	if err != nil {
		t.Fatal(err)
	}
	if c := b.coupon(t, "M60"); c.State != park.CouponUsed || c.PaymentID != res.Payment.ID {
		t.Fatalf("coupon after the CRM payment %+v", c)
	}
	if s := b.stay(t, d.StayID); s.Paid != 1500 {
		t.Fatalf("paid %d, want 1500", s.Paid)
	}

	for _, by := range []struct{ quote, ref string }{{st.Quote.ID, ""}, {"", "T-9"}} {
		inv, err := b.svc.PaymentInvoice(b.ctx, "crm", b.lot, by.quote, by.ref)
		if err != nil || inv.Payment.ID != res.Payment.ID || inv.Stay.Plate != "京A12345" || inv.Status != service.InvoiceNotIssued ||
			inv.Lot.Name != "Test "+b.lot {
			t.Fatalf("invoice by %+v: %+v, %v", by, inv, err)
		}
	}
	b.partner(t, "other", b.lot)
	_, err = b.svc.PaymentInvoice(b.ctx, "other", b.lot, st.Quote.ID, "")
	wantCode(t, err, park.ENotFound)
	_, err = b.svc.PaymentInvoice(b.ctx, "crm", b.lot, "nope", "")
	wantCode(t, err, park.ENotFound)

	// Refusals.
	b.createLot(t, "OTHER", 10, park.MissedEntryHold)
	for name, c := range map[string]struct {
		lot, plate string
		b          service.MemberBenefit
		code       park.Code
	}{
		"BadPlate":    {b.lot, "nope", service.MemberBenefit{}, park.EInvalid},
		"TooManyMins": {b.lot, "京A12345", service.MemberBenefit{Minutes: 7*24*60 + 1}, park.EInvalid},
		"NegativeAmt": {b.lot, "京A12345", service.MemberBenefit{Amount: -1}, park.EInvalid},
		"NotInside":   {b.lot, "京B22222", service.MemberBenefit{}, park.ENotFound},
		"NotCrmsLot":  {"OTHER", "京A12345", service.MemberBenefit{}, park.ENotFound},
	} {
		if _, err := b.svc.MemberQuote(b.ctx, crm, c.lot, c.plate, c.b); !park.IsCode(err, c.code) {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
}
