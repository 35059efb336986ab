package billing_test

import (
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/park"
)

func (b *bundle) partner(t *testing.T, id string, lots ...string) *park.Partner {
	t.Helper()
	p, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: id, Name: id, Dialect: "api-two",
		Type: park.PartnerNormal, Secret: secret, SignMode: "static", Lots: lots})
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
	crm := b.partner(t, "crm", b.Lot)
	d := b.Event(t, park.EventEntry, "京A12345", t0) // 6 h inside: 2400
	b.issue(t, billing.CouponInput{ID: "M60", Plate: "京A12345", Kind: park.CouponMinutes, Value: 60})
	st, err := b.Sys.Billing.MemberQuote(b.Ctx, crm, b.Lot, "京A12345", billing.MemberBenefit{Member: "VIP-1", Minutes: 30, Amount: 300})
	if err != nil {
		t.Fatal(err)
	}
	// Time first: 60 + 30 minutes off = priced as 4 h 30 = 9 half-hours =
	// 1800 (the coupon 400, the member's minutes 200); then 300 off: 1500.
	coupons, member := billing.Deductions(st.Lines)
	if st.Due != 1500 || st.Quote == nil || st.Quote.AmountDue != 1500 || coupons != 400 || member != 500 {
		t.Fatalf("due %d coupons %d member %d quote %+v, want 1500, 400, 500", st.Due, coupons, member, st.Quote)
	}
	// A plain fee query has no member benefit.
	if q := b.quote(t, d.StayID); q.AmountDue != 2000 {
		t.Fatalf("plain quote %d, want 2000", q.AmountDue)
	}
	res, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: st.Quote.ID, Amount: 1500, Method: "crm", Payer: "crm", Reference: "T-9"})
	if err != nil {
		t.Fatal(err)
	}
	if c := b.coupon(t, "M60"); c.State != park.CouponUsed || c.PaymentID != res.Payment.ID {
		t.Fatalf("coupon after the CRM payment %+v", c)
	}
	if s := b.Stay(t, d.StayID); s.Paid != 1500 {
		t.Fatalf("paid %d, want 1500", s.Paid)
	}

	// The benefit stays with the stay once paid with. 20 minutes later,
	// past the 15-minute exit grace, the stay is priced at 6 h 20: 13
	// half-hours = 2600, the coupon's hour 400 off, the member's 500
	// (kept as what it took off) off: 1700, paid 1500, 200 due.
	at := t0.Add(6*time.Hour + 20*time.Minute)
	b.Clock.Set(at)
	q := b.quote(t, d.StayID)
	if coupons, member := billing.Deductions(q.Lines); q.AmountDue != 200 || q.Total != 1700 || coupons != 400 || member != 500 {
		t.Fatalf("quote after the grace: due %d total %d coupons %d member %d, want 200, 1700, 400, 500", q.AmountDue, q.Total, coupons, member)
	}
	// The CRM asking again with the same benefit does not grant it twice.
	again, err := b.Sys.Billing.MemberQuote(b.Ctx, crm, b.Lot, "京A12345", billing.MemberBenefit{Member: "VIP-1", Minutes: 30, Amount: 300})
	if err != nil {
		t.Fatal(err)
	}
	if coupons, member := billing.Deductions(again.Lines); again.Due != 200 || coupons != 400 || member != 500 {
		t.Fatalf("member query after the grace: due %d coupons %d member %d, want 200, 400, 500", again.Due, coupons, member)
	}
	// Paid, and out within the grace: the stay keeps both deductions
	// (900) and cost what was paid (1700).
	if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 200, Method: "cash"}); err != nil {
		t.Fatal(err)
	}
	b.Clock.Set(at.Add(10 * time.Minute))
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", at.Add(10*time.Minute)), park.DecisionOpen, park.ReasonPaid, 0)
	if s := b.Stay(t, d.StayID); s.Paid != 1700 || s.Total != 1700 || s.Discount != 900 {
		t.Fatalf("closed stay paid %d total %d discount %d, want 1700, 1700, 900", s.Paid, s.Total, s.Discount)
	}

	for _, by := range []struct{ quote, ref string }{{st.Quote.ID, ""}, {"", "T-9"}} {
		inv, err := b.Sys.Billing.PaymentInvoice(b.Ctx, "crm", b.Lot, by.quote, by.ref)
		if err != nil || inv.Payment.ID != res.Payment.ID || inv.Stay.Plate != "京A12345" || inv.Status != billing.InvoiceNotIssued ||
			inv.Lot.Name != "Test "+b.Lot {
			t.Fatalf("invoice by %+v: %+v, %v", by, inv, err)
		}
	}
	b.partner(t, "other", b.Lot)
	_, err = b.Sys.Billing.PaymentInvoice(b.Ctx, "other", b.Lot, st.Quote.ID, "")
	wantCode(t, err, park.ENotFound)
	// What was not found is named: the quote, or the partner's reference.
	for _, by := range []struct{ quote, ref, field string }{{"nope", "", "quote_id"}, {"", "nope", "reference"}} {
		_, err = b.Sys.Billing.PaymentInvoice(b.Ctx, "crm", b.Lot, by.quote, by.ref)
		if pe, ok := err.(*park.Error); !ok || pe.Code != park.ENotFound || pe.Field != by.field {
			t.Fatalf("invoice of an unknown %s: %v, want not_found naming %s", by.field, err, by.field)
		}
	}

	// Refusals.
	b.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	for name, c := range map[string]struct {
		lot, plate string
		b          billing.MemberBenefit
		code       park.Code
	}{
		"BadPlate":    {b.Lot, "nope", billing.MemberBenefit{}, park.EInvalid},
		"TooManyMins": {b.Lot, "京A12345", billing.MemberBenefit{Minutes: 7*24*60 + 1}, park.EInvalid},
		"NegativeAmt": {b.Lot, "京A12345", billing.MemberBenefit{Amount: -1}, park.EInvalid},
		"NotInside":   {b.Lot, "京B22222", billing.MemberBenefit{}, park.ENotFound},
		"NotCrmsLot":  {"OTHER", "京A12345", billing.MemberBenefit{}, park.ENotFound},
	} {
		if _, err := b.Sys.Billing.MemberQuote(b.Ctx, crm, c.lot, c.plate, c.b); !park.IsCode(err, c.code) {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
}

// TestMemberBenefitCoveringTheFee: a benefit that makes the stay free is
// granted by paying its quote of 0; the car then leaves free. Without it
// the CRM was told nothing was due and the car was held at the exit.
func TestMemberBenefitCoveringTheFee(t *testing.T) {
	b := setup(t)
	crm := b.partner(t, "crm", b.Lot)
	now := b.Clock.Now()
	d := b.Event(t, park.EventEntry, "京A12345", t0) // 6 h inside: 12 half-hours, 2400
	st, err := b.Sys.Billing.MemberQuote(b.Ctx, crm, b.Lot, "京A12345", billing.MemberBenefit{Member: "VIP-1", Amount: 3000})
	if err != nil {
		t.Fatal(err)
	}
	// 3000 off a 2400 stay: 2400 off, nothing due, a quote of 0 to grant it.
	if _, member := billing.Deductions(st.Lines); st.Due != 0 || member != 2400 || st.Quote == nil || st.Quote.AmountDue != 0 {
		t.Fatalf("due %d member %d quote %+v, want 0, 2400 and a quote of 0", st.Due, member, st.Quote)
	}
	res, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: st.Quote.ID, Amount: 0, Method: "crm", Payer: "crm", Reference: "T-0"})
	if err != nil {
		t.Fatal(err)
	}
	if s := b.Stay(t, d.StayID); s.Paid != 0 || s.PaidUntil == nil || !s.PaidUntil.Equal(res.Payment.PaidUntil) {
		t.Fatalf("stay after the 0 payment %+v", s)
	}
	// Granted once: a second quote of 0 cannot be paid.
	st2, err := b.Sys.Billing.MemberQuote(b.Ctx, crm, b.Lot, "京A12345", billing.MemberBenefit{Member: "VIP-1", Amount: 3000})
	if err != nil {
		t.Fatal(err)
	}
	if st2.Due != 0 || st2.Quote != nil {
		t.Fatalf("after the grant: due %d quote %+v, want 0 and no quote", st2.Due, st2.Quote)
	}
	// 10 minutes later (6 h 10: 13 half-hours, 2600, less the 2400 kept)
	// the car leaves within the exit grace, owing nothing.
	b.Clock.Set(now.Add(10 * time.Minute))
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", now.Add(10*time.Minute)), park.DecisionOpen, park.ReasonFree, 0)
	if s := b.Stay(t, d.StayID); s.Paid != 0 || s.Discount != 2400 || s.Total != 0 {
		t.Fatalf("closed stay total %d discount %d paid %d, want 0, 2400, 0", s.Total, s.Discount, s.Paid)
	}
}

// TestMemberBenefitWithACouponThatCoversTheFee: the car's own coupon,
// which frees the stay at the gate, comes before the member's benefit:
// nothing to grant, no quote.
func TestMemberBenefitWithACouponThatCoversTheFee(t *testing.T) {
	b := setup(t)
	crm := b.partner(t, "crm", b.Lot)
	b.Event(t, park.EventEntry, "京A12345", t0) // 2400
	b.issue(t, billing.CouponInput{ID: "F-1", Plate: "京A12345", Kind: park.CouponFree})
	st, err := b.Sys.Billing.MemberQuote(b.Ctx, crm, b.Lot, "京A12345", billing.MemberBenefit{Member: "VIP-1", Amount: 3000})
	if err != nil {
		t.Fatal(err)
	}
	if coupons, member := billing.Deductions(st.Lines); st.Due != 0 || coupons != 2400 || member != 0 || st.Quote != nil {
		t.Fatalf("due %d coupons %d member %d quote %+v, want 0, 2400, 0, no quote", st.Due, coupons, member, st.Quote)
	}
}
