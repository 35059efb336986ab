package billing

import (
	"context"
	"slices"
	"time"

	"parkd/internal/park"
	"parkd/internal/tariff"
)

// stayCoupons returns the coupons that price st at instant at: first
// those the stay already used (a payment settled them; they keep applying
// so its total stays what was paid for), then the plate's issued coupons
// valid at at, oldest first, while the stay has fewer than
// park.MaxCouponsPerStay in all.
func stayCoupons(ctx context.Context, tx park.Tx, st *park.Stay, at time.Time) ([]*park.Coupon, error) {
	all, err := tx.StayCoupons(ctx, st.LotCode, st.PlateKey, st.ID)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	out := make([]*park.Coupon, 0, len(all))
	for _, c := range all {
		if c.State == park.CouponUsed && c.StayID == st.ID {
			out = append(out, c)
		}
	}
	for _, c := range all {
		if c.State == park.CouponIssued && c.ValidAt(at) && len(out) < park.MaxCouponsPerStay {
			out = append(out, c)
		}
	}
	return out, nil
}

// tariffCoupons is what the tariff engine is given for a stay's coupons,
// plus ad hoc deductions (a CRM member's benefit) after them. A stay's
// member benefit is granted once: after a payment kept one, the CRM's
// benefit sent again is not added to it.
func tariffCoupons(cs []*park.Coupon, extra []tariff.Coupon) []tariff.Coupon {
	if len(cs) == 0 {
		return extra
	}
	if slices.ContainsFunc(cs, isBenefit) {
		extra = nil
	}
	out := make([]tariff.Coupon, 0, len(cs)+len(extra))
	for _, c := range cs {
		// A coupon a payment used lowered that payment: it is not taken
		// off the time after it again (tariff.Coupon.Used). One a free or
		// unpaid exit used lowered that exit's price, overtime included.
		tc := tariff.Coupon{Label: couponLabel(c), Used: c.State == park.CouponUsed && c.PaymentID != ""}
		if isBenefit(c) {
			tc.Label = LabelMemberAmount // a member deduction, not the car's coupon
		}
		switch c.Kind {
		case park.CouponMinutes:
			tc.Kind, tc.Minutes = tariff.CouponMinutes, int(c.Value)
		case park.CouponHours:
			tc.Kind, tc.Hours = tariff.CouponHours, int(c.Value)
		case park.CouponAmount:
			tc.Kind, tc.Amount = tariff.CouponAmount, c.Value
		case park.CouponPercent:
			tc.Kind, tc.Percent = tariff.CouponPercent, int(c.Value)
		case park.CouponFree:
			tc.Kind = tariff.CouponFree
		}
		out = append(out, tc)
	}
	return append(out, extra...)
}

// couponLabel is the label of a coupon's deduction line: unique among a
// stay's coupons (ids are unique per lot), so a line finds its coupon.
func couponLabel(c *park.Coupon) string {
	if c.Merchant != "" {
		return "coupon " + c.ID + " (" + c.Merchant + ")"
	}
	return "coupon " + c.ID
}

// Lines is a priced stay's breakdown, each deduction line naming the
// coupon it comes from. A coupon with no line deducted nothing and stays
// unused.
func (pr Priced) Lines() []park.Line {
	lines := toParkLines(pr.Result.Lines)
	for i := range lines {
		if lines[i].Amount >= 0 {
			continue
		}
		for _, c := range pr.Coupons {
			if lines[i].Label == couponLabel(c) {
				lines[i].Coupon = c.ID
				break
			}
		}
	}
	return lines
}

// UseCoupons marks used the coupons a priced stay's lines deducted, for
// the payment that settles them ("" for a free exit), in the caller's
// transaction. A coupon the stay used before is left as it is. A coupon
// deleted since the lines were priced (or used by another stay) makes
// the quote unpayable: the payer must take a new one, whose amount is
// what will be paid.
func UseCoupons(ctx context.Context, tx park.Tx, st *park.Stay, lines []park.Line, paymentID string, now time.Time) error {
	for _, l := range lines {
		if l.Coupon == "" {
			continue
		}
		c, err := tx.GetCoupon(ctx, st.LotCode, l.Coupon)
		if err != nil && !park.IsCode(err, park.ENotFound) {
			return err
		}
		switch {
		case err == nil && c.State == park.CouponUsed && c.StayID == st.ID:
			continue
		case err != nil || c.State != park.CouponIssued:
			return park.Errorf(park.EQuoteExpired, "coupon %s of this quote was withdrawn or used since; take a new quote", l.Coupon)
		}
		c.State, c.StayID, c.PaymentID, c.UsedAt, c.UpdatedAt = park.CouponUsed, st.ID, paymentID, &now, now
		if err := tx.UpdateCoupon(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// settleUnusedCoupons decides what the coupons a stay has not used yet
// did to its price. Priced free (p.Due == 0), and without them something
// would be due: they free the stay, and a free exit uses them
// (FreedByCoupons). Otherwise, when they lower nothing that is due (the
// stay was paid, or within grace; or, after a payment, a coupon too small
// to take anything off the time after it), they stay unused: the stay is
// priced without them, so no quote's payment spends them, and its record
// and reports show no deduction that no used coupon accounts for.
func settleUnusedCoupons(t *tariff.Tariff, in tariff.Input, p *Priced, extra []tariff.Coupon) {
	if p.Discount == 0 {
		return
	}
	var used []*park.Coupon
	for _, c := range p.Coupons {
		if c.State == park.CouponUsed {
			used = append(used, c)
		}
	}
	if len(used) == len(p.Coupons) {
		return
	}
	if p.Due == 0 {
		// Judged as the gate prices the stay, without a member's benefit:
		// the car's coupons apply before it.
		in.Coupons = tariffCoupons(used, nil)
		if t.Price(&in, nil).Due > 0 {
			p.FreedByCoupons = true
			return
		}
	}
	in.Coupons = tariffCoupons(used, extra)
	if r := t.Price(&in, nil); r.Due == p.Due {
		p.Result, p.Coupons = r, used
	}
}
