package billing_test

import (
	"fmt"
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/park"
)

func (b *bundle) issue(t *testing.T, in billing.CouponInput) *park.Coupon {
	t.Helper()
	if in.LotCode == "" {
		in.LotCode = b.Lot
	}
	r, err := b.Sys.Billing.IssueCoupon(b.Ctx, in)
	if err != nil {
		t.Fatalf("issue %+v: %v", in, err)
	}
	return r.Coupon
}

func (b *bundle) coupon(t *testing.T, id string) *park.Coupon {
	t.Helper()
	c, err := b.Sys.Billing.GetCoupon(b.Ctx, b.Lot, id, "")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (b *bundle) quote(t *testing.T, stayID string) *park.Quote {
	t.Helper()
	q, err := b.Sys.Billing.CreateQuote(b.Ctx, stayID, "")
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestCouponLowersQuoteAndIsUsedByThePayment: a coupon lowers the next
// quote, shows as its own line, and the payment that settles the quote
// uses it in the same transaction.
func TestCouponLowersQuoteAndIsUsedByThePayment(t *testing.T) {
	b := setup(t)
	now := b.Clock.Now() // t0 + 6h
	d := b.Event(t, park.EventEntry, "京A12345", t0)
	// Without coupons: 6 h = 12 started half-hours = 2400.
	if q := b.quote(t, d.StayID); q.AmountDue != fee(6*time.Hour) || q.AmountDue != 2400 {
		t.Fatalf("due %d without coupons, want 2400", q.AmountDue)
	}
	c := b.issue(t, billing.CouponInput{ID: "M-1", Plate: "京a12345", Kind: park.CouponMinutes, Value: 60, Merchant: "咖啡店", Issuer: ""})
	if c.State != park.CouponIssued || c.Plate != "京A12345" || !c.ValidFrom.Equal(now) || !c.ValidTo.Equal(now.Add(24*time.Hour)) {
		t.Fatalf("issued %+v", c)
	}
	// 60 minutes off: priced as a 5 h stay = 10 half-hours = 2000.
	q := b.quote(t, d.StayID)
	if q.AmountDue != 2000 || q.Discount != 400 {
		t.Fatalf("due %d discount %d with a 60-minute coupon, want 2000 and 400", q.AmountDue, q.Discount)
	}
	last := q.Lines[len(q.Lines)-1]
	if last.Amount != -400 || last.Coupon != "M-1" || last.Label != "coupon M-1 (咖啡店)" {
		t.Fatalf("deduction line %+v", last)
	}
	res, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 2000, Method: "cash"})
	if err != nil {
		t.Fatal(err)
	}
	c = b.coupon(t, "M-1")
	if c.State != park.CouponUsed || c.PaymentID != res.Payment.ID || c.StayID != d.StayID || c.UsedAt == nil {
		t.Fatalf("after payment %+v", c)
	}
	// The stay keeps its coupon: total 2000 paid, it leaves free within
	// the exit grace.
	if st := b.Stay(t, d.StayID); st.Total != 2000 || st.Discount != 400 || st.Paid != 2000 {
		t.Fatalf("stay %+v", st)
	}
	b.Clock.Set(now.Add(10 * time.Minute))
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", now.Add(10*time.Minute)), park.DecisionOpen, park.ReasonPaid, 0)
	// Priced at the exit (6 h 10 min) the coupon still applies: fee(5 h
	// 10 min) = 11 half-hours = 2200, discount 2600 - 2200 = 400; the 200
	// of the 10 minutes after the payment fall in the exit grace, so the
	// stay cost what was paid, 2000, nothing left unpaid.
	if st := b.Stay(t, d.StayID); st.Total != 2000 || st.Discount != 400 || st.Paid != 2000 {
		t.Fatalf("closed stay total %d discount %d paid %d, want 2000, 400 and 2000", st.Total, st.Discount, st.Paid)
	}
	// Used: it cannot be deleted, and the car's next stay does not get it.
	_, err = b.Sys.Billing.DeleteCoupon(b.Ctx, b.Lot, "M-1", "")
	wantCode(t, err, park.EConflict)
	b.Clock.Set(now.Add(80 * time.Minute))
	d2 := b.Event(t, park.EventEntry, "京A12345", now.Add(20*time.Minute))
	if q := b.quote(t, d2.StayID); q.AmountDue != fee(time.Hour) || q.Discount != 0 {
		t.Fatalf("next stay due %d discount %d, want %d and 0", q.AmountDue, q.Discount, fee(time.Hour))
	}
}

// TestCouponAfterQuote: a quote's amount is what is paid; a coupon
// issued after it does not change it, is not used by its payment, and
// applies to the next quote only if something is left to pay.
func TestCouponAfterQuote(t *testing.T) {
	b := setup(t)
	d := b.Event(t, park.EventEntry, "京A12345", t0)
	q := b.quote(t, d.StayID) // 2400
	b.issue(t, billing.CouponInput{ID: "A-1", Plate: "京A12345", Kind: park.CouponAmount, Value: 500})
	if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 1900, Method: "cash"}); !park.IsCode(err, park.EAmountMismatch) {
		t.Fatalf("paying the quote less the later coupon: %v, want amount_mismatch", err)
	}
	if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 2400, Method: "cash"}); err != nil {
		t.Fatal(err)
	}
	if c := b.coupon(t, "A-1"); c.State != park.CouponIssued {
		t.Fatalf("coupon issued after the quote was used: %+v", c)
	}
	// Paid: it leaves free, and the coupon (which changed nothing) is kept.
	b.Clock.Set(b.Clock.Now().Add(5 * time.Minute))
	// Priced now (6 h 5 min: 13 started half-hours, 2600), the stay owes
	// nothing with or without the coupon (the 200 after the payment fall
	// in the exit grace): the coupon deducts nothing, so the price shows
	// no deduction.
	s, err := b.Sys.Billing.Pricing(b.Ctx, false, func(tx park.Tx) (*billing.StayStatus, error) {
		l, err := tx.GetLot(b.Ctx, b.Lot)
		if err != nil {
			return nil, err
		}
		st, err := tx.GetStay(b.Ctx, d.StayID)
		if err != nil {
			return nil, err
		}
		return b.Sys.Billing.Status(b.Ctx, tx, l, st, b.Clock.Now(), "", false)
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.Gross != 2600 || s.Discount != 0 || s.Total != 2600 || s.Due != 0 {
		t.Errorf("paid stay priced gross %d discount %d total %d due %d, want 2600, 0, 2600, 0", s.Gross, s.Discount, s.Total, s.Due)
	}
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", b.Clock.Now()), park.DecisionOpen, park.ReasonPaid, 0)
	if c := b.coupon(t, "A-1"); c.State != park.CouponIssued {
		t.Fatalf("coupon used by an exit it did not change: %+v", c)
	}
	// The closed stay cost what was paid (the grace forgave the 200), with
	// no deduction: the unused coupon took nothing off it.
	if st := b.Stay(t, d.StayID); st.Total != 2400 || st.Discount != 0 || st.Paid != 2400 {
		t.Fatalf("closed stay total %d discount %d paid %d, want 2400, 0 and 2400", st.Total, st.Discount, st.Paid)
	}
}

// TestDeletedCoupon: deleting an issued coupon removes it from the next
// quote; a quote taken with it can no longer be paid (and nothing is
// recorded), so the payer takes a new one.
func TestDeletedCoupon(t *testing.T) {
	b := setup(t)
	d := b.Event(t, park.EventEntry, "京A12345", t0)
	b.issue(t, billing.CouponInput{ID: "H-1", Plate: "京A12345", Kind: park.CouponHours, Value: 2})
	q := b.quote(t, d.StayID) // 6 h - 2 h = 4 h = 8 half-hours = 1600
	if q.AmountDue != 1600 {
		t.Fatalf("due %d with a 2-hour coupon, want 1600", q.AmountDue)
	}
	c, err := b.Sys.Billing.DeleteCoupon(b.Ctx, b.Lot, "H-1", "")
	if err != nil || c.State != park.CouponDeleted {
		t.Fatalf("delete %+v, %v", c, err)
	}
	if c, err := b.Sys.Billing.DeleteCoupon(b.Ctx, b.Lot, "H-1", ""); err != nil || c.State != park.CouponDeleted {
		t.Fatalf("delete again %+v, %v", c, err)
	}
	_, err = b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 1600, Method: "cash"})
	wantCode(t, err, park.EQuoteExpired)
	if st := b.Stay(t, d.StayID); st.Paid != 0 {
		t.Fatalf("refused payment recorded: paid %d", st.Paid)
	}
	if q := b.quote(t, d.StayID); q.AmountDue != 2400 || q.Discount != 0 {
		t.Fatalf("due %d after delete, want 2400", q.AmountDue)
	}
	_, err = b.Sys.Billing.DeleteCoupon(b.Ctx, b.Lot, "nope", "")
	wantCode(t, err, park.ENotFound)
}

// TestFreeAfterCoupons: a stay the coupons make free exits free and uses
// them (with no payment); a coupon outside its window, of another car or
// another lot does not apply.
func TestFreeAfterCoupons(t *testing.T) {
	b := setup(t)
	now := b.Clock.Now()
	b.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	d := b.Event(t, park.EventEntry, "京A12345", now.Add(-50*time.Minute))
	b.issue(t, billing.CouponInput{ID: "LATER", Plate: "京A12345", Kind: park.CouponFree, Value: 1,
		ValidFrom: now.Add(time.Hour), ValidTo: now.Add(2 * time.Hour)})
	b.issue(t, billing.CouponInput{ID: "B", Plate: "京B22222", Kind: park.CouponFree, Value: 1})
	b.issue(t, billing.CouponInput{LotCode: "OTHER", ID: "O", Plate: "京A12345", Kind: park.CouponFree, Value: 1})
	// 50 min = 2 half-hours = 400, none of those coupons applies.
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", now), park.DecisionHold, park.ReasonPaymentRequired, 400)
	// 30 minutes off: priced as 20 minutes = 1 half-hour = 200; with 200
	// off as well, nothing is due. Coupons issued together apply in id
	// order, so Z-SPARE finds nothing left and stays unused.
	b.issue(t, billing.CouponInput{ID: "M30", Plate: "京A12345", Kind: park.CouponMinutes, Value: 30})
	b.issue(t, billing.CouponInput{ID: "Y200", Plate: "京A12345", Kind: park.CouponAmount, Value: 200})
	b.issue(t, billing.CouponInput{ID: "Z-SPARE", Plate: "京A12345", Kind: park.CouponAmount, Value: 100})
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", now), park.DecisionOpen, park.ReasonFree, 0)
	for id, state := range map[string]string{"M30": park.CouponUsed, "Y200": park.CouponUsed, "Z-SPARE": park.CouponIssued,
		"LATER": park.CouponIssued} {
		c := b.coupon(t, id)
		if c.State != state || (state == park.CouponUsed && (c.StayID != d.StayID || c.PaymentID != "")) {
			t.Fatalf("%s after the free exit: %+v, want %s", id, c, state)
		}
	}
	if st := b.Stay(t, d.StayID); st.State != park.StayOut || st.Total != 0 || st.Discount != 400 {
		t.Fatalf("stay %+v", st)
	}
}

// TestIssueCouponRules: retries, the per-car limit and bad input.
func TestIssueCouponRules(t *testing.T) {
	b := setup(t)
	now := b.Clock.Now()
	if _, err := b.Sys.Partners.CreatePartner(b.Ctx, &park.Partner{ID: "mall", Name: "Mall", Dialect: "api-two",
		Type: park.PartnerNormal, Secret: secret, SignMode: "static", Lots: []string{b.Lot}}); err != nil {
		t.Fatal(err)
	}
	b.CreateLot(t, "OTHER", 10, park.MissedEntryHold)
	first := b.issue(t, billing.CouponInput{ID: "C1", Plate: "京A12345", Kind: park.CouponMinutes, Value: 30, Issuer: "mall"})
	r, err := b.Sys.Billing.IssueCoupon(b.Ctx, billing.CouponInput{LotCode: b.Lot, ID: "C1", Plate: "京A12345", Kind: park.CouponMinutes,
		Value: 30, Issuer: "mall"})
	if err != nil || !r.Replay || r.Coupon.CreatedAt != first.CreatedAt {
		t.Fatalf("retry %+v, %v", r, err)
	}
	// The partner sees its own coupons only.
	if _, err := b.Sys.Billing.GetCoupon(b.Ctx, b.Lot, "C1", "mall"); err != nil {
		t.Fatal(err)
	}
	_, err = b.Sys.Billing.GetCoupon(b.Ctx, b.Lot, "C1", "someone")
	wantCode(t, err, park.ENotFound)
	_, err = b.Sys.Billing.DeleteCoupon(b.Ctx, b.Lot, "C1", "someone")
	wantCode(t, err, park.ENotFound)
	for i := 2; i <= park.MaxCouponsPerStay; i++ {
		b.issue(t, billing.CouponInput{Plate: "京A12345", Kind: park.CouponAmount, Value: 100})
	}
	base := billing.CouponInput{LotCode: b.Lot, Plate: "京A12345", Kind: park.CouponAmount, Value: 100}
	for name, c := range map[string]struct {
		mod  func(in *billing.CouponInput)
		code park.Code
	}{
		"SixthCoupon": {func(in *billing.CouponInput) {}, park.EConflict},
		"SameIDOtherCar": {func(in *billing.CouponInput) {
			in.ID, in.Plate, in.Kind, in.Value, in.Issuer = "C1", "京B12345", park.CouponMinutes, 30, "mall"
		}, park.EConflict},
		"BadPlate":  {func(in *billing.CouponInput) { in.Plate = "not a plate" }, park.EInvalid},
		"ZeroValue": {func(in *billing.CouponInput) { in.Plate, in.Value = "京B22222", 0 }, park.EInvalid},
		"HugeValue": {func(in *billing.CouponInput) {
			in.Plate, in.Kind, in.Value = "京B22222", park.CouponMinutes, 7*24*60+1
		}, park.EInvalid},
		"Percent101":  {func(in *billing.CouponInput) { in.Plate, in.Kind, in.Value = "京B22222", park.CouponPercent, 101 }, park.EInvalid},
		"UnknownKind": {func(in *billing.CouponInput) { in.Plate, in.Kind = "京B22222", "days" }, park.EInvalid},
		"BadID":       {func(in *billing.CouponInput) { in.Plate, in.ID = "京B22222", "a b" }, park.EInvalid},
		"Inverted": {func(in *billing.CouponInput) {
			in.Plate, in.ValidFrom, in.ValidTo = "京B22222", now, now.Add(-time.Minute)
		}, park.EInvalid},
		"Ended": {func(in *billing.CouponInput) {
			in.Plate, in.ValidFrom, in.ValidTo = "京B22222", now.Add(-2*time.Hour), now.Add(-time.Hour)
		}, park.EInvalid},
		"TooLong":        {func(in *billing.CouponInput) { in.Plate, in.ValidTo = "京B22222", now.AddDate(2, 0, 0) }, park.EInvalid},
		"UnknownLot":     {func(in *billing.CouponInput) { in.Plate, in.LotCode = "京B22222", "nope" }, park.ENotFound},
		"NotPartnersLot": {func(in *billing.CouponInput) { in.Plate, in.LotCode, in.Issuer = "京B22222", "OTHER", "mall" }, park.ENotFound},
		"UnknownIssuer":  {func(in *billing.CouponInput) { in.Plate, in.Issuer = "京B22222", "ghost" }, park.ENotFound},
	} {
		in := base
		c.mod(&in)
		_, err := b.Sys.Billing.IssueCoupon(b.Ctx, in)
		if !park.IsCode(err, c.code) {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
	all, n, err := b.Sys.Billing.ListCoupons(b.Ctx, billing.CouponQuery{LotCode: b.Lot, Limit: 100})
	if err != nil || n != park.MaxCouponsPerStay || len(all) != n {
		t.Fatalf("after refusals %d coupons (%v), want %d", n, err, park.MaxCouponsPerStay)
	}
	page, n, err := b.Sys.Billing.ListCoupons(b.Ctx, billing.CouponQuery{LotCode: b.Lot, Plate: "京a12345", State: park.CouponIssued,
		Issuer: "mall", Limit: 10})
	if err != nil || n != 1 || page[0].ID != "C1" {
		t.Fatalf("mall's coupons %v (%d), %v", page, n, err)
	}
	_, _, err = b.Sys.Billing.ListCoupons(b.Ctx, billing.CouponQuery{LotCode: b.Lot, State: "lost", Limit: 10})
	wantCode(t, err, park.EInvalid)

	// A day later the five have expired: they no longer count, and the
	// list tells expired from issued.
	b.Clock.Set(now.Add(DefaultDay))
	b.issue(t, billing.CouponInput{Plate: "京A12345", Kind: park.CouponAmount, Value: 100})
	if _, n, _ := b.Sys.Billing.ListCoupons(b.Ctx, billing.CouponQuery{LotCode: b.Lot, State: park.CouponExpired, Limit: 10}); n != 5 {
		t.Fatalf("%d expired coupons, want 5", n)
	}
	if _, n, _ := b.Sys.Billing.ListCoupons(b.Ctx, billing.CouponQuery{LotCode: b.Lot, State: park.CouponIssued, Limit: 10}); n != 1 {
		t.Fatalf("%d issued coupons, want 1", n)
	}
}

// DefaultDay is billing.DefaultCouponValidity: a coupon issued without an
// end has expired this long after.
const DefaultDay = billing.DefaultCouponValidity

// TestCouponLargerThanWhatIsLeftAfterAPayment: a coupon given after a
// payment takes off only what is left to pay, so the closed stay's
// record (and its reports) never shows less than was paid.
func TestCouponLargerThanWhatIsLeftAfterAPayment(t *testing.T) {
	b := setup(t)
	now := b.Clock.Now() // t0 + 6 h
	d := b.Event(t, park.EventEntry, "京A12345", t0)
	q := b.quote(t, d.StayID) // 12 half-hours: 2400
	if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 2400, Method: "cash"}); err != nil {
		t.Fatal(err)
	}
	// 40 minutes later, past the 15-minute exit grace: 6 h 40 is 14
	// half-hours, 2800; 400 owed, of which the time after the grace
	// (6:15-6:40, one block) asks 200.
	b.Clock.Set(now.Add(40 * time.Minute))
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", now.Add(40*time.Minute)), park.DecisionHold, park.ReasonPaymentRequired, 200)
	b.issue(t, billing.CouponInput{ID: "BIG", Plate: "京A12345", Kind: park.CouponAmount, Value: 1000})
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", now.Add(40*time.Minute)), park.DecisionOpen, park.ReasonPaid, 0)
	// The coupon freed the exit and took off the 400 left, not 1000: the
	// stay cost the 2400 paid.
	if c := b.coupon(t, "BIG"); c.State != park.CouponUsed {
		t.Fatalf("coupon %+v, want used", c)
	}
	if st := b.Stay(t, d.StayID); st.Total != 2400 || st.Discount != 400 || st.Paid != 2400 {
		t.Fatalf("closed stay total %d discount %d paid %d, want 2400, 400, 2400", st.Total, st.Discount, st.Paid)
	}
}

// TestCouponIssuedWithinTheSecondOfTheExit: a coupon issued without a
// start is valid from the second it was issued (the start partners are
// shown), so a camera's exit read of that same second is inside it.
func TestCouponIssuedWithinTheSecondOfTheExit(t *testing.T) {
	b := setup(t)
	exit := b.Clock.Now() // t0 + 6 h, a whole second
	d := b.Event(t, park.EventEntry, "京A12345", t0)
	b.Clock.Set(exit.Add(400 * time.Millisecond))
	c := b.issue(t, billing.CouponInput{ID: "F-1", Plate: "京A12345", Kind: park.CouponFree})
	if !c.ValidFrom.Equal(exit) {
		t.Fatalf("valid from %s, want %s", c.ValidFrom, exit)
	}
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", exit), park.DecisionOpen, park.ReasonFree, 0)
	if c := b.coupon(t, "F-1"); c.State != park.CouponUsed || c.StayID != d.StayID {
		t.Fatalf("coupon %+v, want used by the stay", c)
	}
}

// TestCouponAfterPaymentLowersTheOvertime: a coupon given after a payment
// lowers what the car owes for its time after the exit grace; it is not
// spent on what the grace lets go anyway. By hand (TestTariff): in at
// t0, 2400 paid at t0+6h (12 half-hours), paid until 6:15; at 6:40 the
// stay is 14 half-hours, 2800, and the overtime 6:15-6:40 one block, 200.
func TestCouponAfterPaymentLowersTheOvertime(t *testing.T) {
	b := setup(t)
	now := b.Clock.Now() // t0 + 6 h
	d := b.Event(t, park.EventEntry, "京A12345", t0)
	q := b.quote(t, d.StayID)
	if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 2400, Method: "cash"}); err != nil {
		t.Fatal(err)
	}
	b.Clock.Set(now.Add(40 * time.Minute))
	// 100 off the overtime's 200: 100 due; the stay's total is 2800 - 100.
	b.issue(t, billing.CouponInput{ID: "Y100", Plate: "京A12345", Kind: park.CouponAmount, Value: 100})
	q = b.quote(t, d.StayID)
	if q.AmountDue != 100 || q.Total != 2700 || q.Discount != 100 {
		t.Fatalf("quote due %d total %d discount %d, want 100, 2700, 100", q.AmountDue, q.Total, q.Discount)
	}
	// Another 100 off: nothing is due, and the exit uses both.
	b.issue(t, billing.CouponInput{ID: "Z100", Plate: "京A12345", Kind: park.CouponAmount, Value: 100})
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", now.Add(40*time.Minute)), park.DecisionOpen, park.ReasonPaid, 0)
	for _, id := range []string{"Y100", "Z100"} {
		if c := b.coupon(t, id); c.State != park.CouponUsed || c.StayID != d.StayID {
			t.Fatalf("coupon %+v, want used by the stay", c)
		}
	}
	// It cost what was paid: 2800 less 200 off is 2600, of which the
	// exit grace let the 200 of 6:00-6:15 go.
	if st := b.Stay(t, d.StayID); st.Total != 2400 || st.Discount != 200 || st.Paid != 2400 {
		t.Fatalf("closed stay total %d discount %d paid %d, want 2400, 200, 2400", st.Total, st.Discount, st.Paid)
	}
	// Its breakdown prices it as its exit did, line by line: the coupons
	// its free exit used still come off the overtime (no payment had them).
	bd, err := b.Sys.Billing.StayBreakdown(b.Ctx, d.StayID)
	if err != nil {
		t.Fatal(err)
	}
	if ls := bd.Priced.Lines(); bd.Priced.Due != 0 || len(ls) != 3 || ls[0].Amount != 2800 || ls[1].Amount != -100 || ls[2].Amount != -100 {
		t.Fatalf("breakdown due %d lines %+v, want 0 and 2800, -100, -100", bd.Priced.Due, ls)
	}
}

// TestUsedCouponDoesNotLowerTheOvertimeAgain: a coupon a payment used
// lowered that payment; the time after the payment's exit grace is owed
// in full. By hand: 60 minutes off 6 h, 2000 paid at t0+6h (5 h, 10
// half-hours), paid until 6:15; at 6:40 the stay priced as 5:40 is 2400,
// 400 left, and the overtime 6:15-6:40 asks one block, 200.
func TestUsedCouponDoesNotLowerTheOvertimeAgain(t *testing.T) {
	b := setup(t)
	now := b.Clock.Now()
	d := b.Event(t, park.EventEntry, "京A12345", t0)
	b.issue(t, billing.CouponInput{ID: "M60", Plate: "京A12345", Kind: park.CouponMinutes, Value: 60})
	q := b.quote(t, d.StayID)
	if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 2000, Method: "cash"}); err != nil {
		t.Fatal(err)
	}
	b.Clock.Set(now.Add(40 * time.Minute))
	if q := b.quote(t, d.StayID); q.AmountDue != 200 || q.Total != 2400 || q.Discount != 400 {
		t.Fatalf("quote due %d total %d discount %d, want 200, 2400, 400", q.AmountDue, q.Total, q.Discount)
	}
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", now.Add(40*time.Minute)), park.DecisionHold, park.ReasonPaymentRequired, 200)
}

// TestCouponThatLowersNothingDueIsNotSpent: after a payment, a time
// coupon too short to take a block off the overtime lowers nothing the
// car pays, so the quote has no line for it and its payment leaves it
// unused. By hand: 2400 paid at t0+6h, paid until 6:15; at 6:40, 10
// minutes off prices the stay as if it left at 6:30, and 6:15-6:30 is
// still one started block, 200, as without the coupon.
func TestCouponThatLowersNothingDueIsNotSpent(t *testing.T) {
	b := setup(t)
	now := b.Clock.Now()
	d := b.Event(t, park.EventEntry, "京A12345", t0)
	q := b.quote(t, d.StayID)
	if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 2400, Method: "cash"}); err != nil {
		t.Fatal(err)
	}
	b.Clock.Set(now.Add(40 * time.Minute))
	b.issue(t, billing.CouponInput{ID: "M10", Plate: "京A12345", Kind: park.CouponMinutes, Value: 10})
	q = b.quote(t, d.StayID)
	if q.AmountDue != 200 || q.Discount != 0 || len(q.Lines) != 1 {
		t.Fatalf("quote due %d discount %d lines %+v, want 200, 0 and no coupon line", q.AmountDue, q.Discount, q.Lines)
	}
	if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 200, Method: "cash"}); err != nil {
		t.Fatal(err)
	}
	if c := b.coupon(t, "M10"); c.State != park.CouponIssued {
		t.Fatalf("coupon %+v, want still issued", c)
	}
}

// TestCouponLimitAmongManyUsed: the five-coupon limit counts a car's
// unused coupons only, however many it has used over the years. The car
// has used 200 coupons, holds 4 unused ones valid for a day, and one
// unused one whose window ended an hour ago. Unused = issued and not
// expired: 4 (the expired one does not count, the 200 used ones do not
// either). 4 < 5, so a fifth is issued; then 5 >= 5, so a sixth is
// refused. The lot's list then shows 200 used + 5 issued + 1 expired =
// 206 coupons of the car.
func TestCouponLimitAmongManyUsed(t *testing.T) {
	b := setup(t)
	now := b.Clock.Now()
	const plate = "京A12345"
	if err := b.Store.Update(b.Ctx, func(tx park.Tx) error {
		for i := range 200 {
			used := now.Add(-time.Duration(200-i) * time.Hour)
			if err := tx.CreateCoupon(b.Ctx, &park.Coupon{ID: fmt.Sprintf("U%03d", i), LotCode: b.Lot, Plate: plate, PlateKey: plate,
				Kind: park.CouponAmount, Value: 100, ValidFrom: used.Add(-time.Hour), ValidTo: used.Add(time.Hour),
				State: park.CouponUsed, StayID: fmt.Sprintf("stay-%d", i), UsedAt: &used, CreatedAt: used.Add(-time.Hour), UpdatedAt: used}); err != nil {
				return err
			}
		}
		// Issued, its window ended an hour ago: expired, not counted.
		return tx.CreateCoupon(b.Ctx, &park.Coupon{ID: "E1", LotCode: b.Lot, Plate: plate, PlateKey: plate,
			Kind: park.CouponAmount, Value: 100, ValidFrom: now.Add(-2 * time.Hour), ValidTo: now.Add(-time.Hour),
			State: park.CouponIssued, CreatedAt: now.Add(-2 * time.Hour), UpdatedAt: now.Add(-2 * time.Hour)})
	}); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		b.issue(t, billing.CouponInput{ID: fmt.Sprintf("N%d", i), Plate: plate, Kind: park.CouponAmount, Value: 100})
	}
	b.issue(t, billing.CouponInput{ID: "N4", Plate: plate, Kind: park.CouponAmount, Value: 100}) // the fifth
	_, err := b.Sys.Billing.IssueCoupon(b.Ctx, billing.CouponInput{LotCode: b.Lot, ID: "N5", Plate: plate,
		Kind: park.CouponAmount, Value: 100})
	wantCode(t, err, park.EConflict)
	if _, n, err := b.Sys.Billing.ListCoupons(b.Ctx, billing.CouponQuery{LotCode: b.Lot, Plate: plate, Limit: 1}); err != nil || n != 206 {
		t.Fatalf("%d coupons of the car (%v), want 206", n, err)
	}
}
