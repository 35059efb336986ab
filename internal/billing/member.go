package billing

import (
	"context"
	"slices"
	"strconv"
	"time"

	"parkd/internal/core"
	"parkd/internal/park"
	"parkd/internal/tariff"
)

// MemberBenefit is what a mall CRM grants a member's car on top of the
// car's coupons: free minutes and an amount off, both optional.
type MemberBenefit struct {
	Member  string // the CRM's member number, for the breakdown
	Minutes int64
	Amount  int64 // minor units
}

// Labels of the member benefit's deduction lines.
const (
	LabelMemberMinutes = "member free minutes"
	LabelMemberAmount  = "member discount"
)

// Validate checks a benefit's bounds (those of a coupon of the same kind).
func (b *MemberBenefit) Validate() error {
	switch {
	case len(b.Member) > 64:
		return park.Invalid("member", "must be at most 64 bytes").Because(park.ReasonLength, "0", "64")
	case !park.ValidText(b.Member):
		return park.CheckText("member", b.Member)
	case b.Minutes < 0 || b.Minutes > park.MaxCouponValue(park.CouponMinutes):
		return park.Invalid("minutes", "must be between 0 and %d", park.MaxCouponValue(park.CouponMinutes)).Because(park.ReasonRange, "0", strconv.FormatInt(park.MaxCouponValue(park.CouponMinutes), 10))
	case b.Amount < 0 || b.Amount > park.MaxCouponValue(park.CouponAmount):
		return park.Invalid("amount", "must be between 0 and %d", park.MaxCouponValue(park.CouponAmount)).Because(park.ReasonRange, "0", strconv.FormatInt(park.MaxCouponValue(park.CouponAmount), 10))
	}
	return nil
}

// coupons is the benefit as ad hoc tariff deductions: they apply with the
// car's coupons in the tariff's order (time, then amounts), and the quote
// carries them, so the amount the CRM pays is exact. A fee query has only
// what the CRM sends with it; once paid with, the benefit is kept on the
// stay (keepBenefit).
func (b *MemberBenefit) coupons() []tariff.Coupon {
	var out []tariff.Coupon
	if b.Minutes > 0 {
		out = append(out, tariff.Coupon{Kind: tariff.CouponMinutes, Minutes: int(b.Minutes), Label: LabelMemberMinutes})
	}
	if b.Amount > 0 {
		out = append(out, tariff.Coupon{Kind: tariff.CouponAmount, Amount: b.Amount, Label: LabelMemberAmount})
	}
	return out
}

// MemberQuote prices the car inside a lot now with its coupons and a
// member's benefit, and when something is due takes a quote for the
// partner (paid with Pay like any of its quotes). When the benefit makes
// the stay free, the quote is of 0: paying it keeps the benefit, so the
// car leaves free within the exit grace. Errors: EInvalid
// (plate, member, minutes, amount), ENotFound (lot not the partner's;
// field plate: the car is not inside).
func (s *Service) MemberQuote(ctx context.Context, p *park.Partner, lot, plateText string, b MemberBenefit) (*StayStatus, error) {
	key, err := core.Plate("plate", plateText)
	if err != nil {
		return nil, err
	}
	if err := b.Validate(); err != nil {
		return nil, err
	}
	now := s.base.Clock()
	takeQuote := p.Type != park.PartnerOwnEntries
	return s.Pricing(ctx, takeQuote, func(tx park.Tx) (*StayStatus, error) {
		if err := core.PartnerLot(ctx, tx, p.ID, lot); err != nil {
			return nil, err
		}
		l, err := tx.GetLotSettings(ctx, lot)
		if err != nil {
			return nil, err
		}
		st, err := tx.FindInside(ctx, lot, key.Key)
		if park.IsCode(err, park.ENotFound) {
			return nil, &park.Error{Code: park.ENotFound, Field: "plate", Message: "car " + key.Text + " is not inside"}
		}
		if err != nil {
			return nil, err
		}
		return s.statusWith(ctx, tx, l, st, now, p.ID, takeQuote, b.coupons())
	})
}

// Deductions splits a breakdown's deductions into the car's coupons and
// the member benefit (positive amounts).
func Deductions(lines []park.Line) (coupons, member int64) {
	for _, l := range lines {
		switch {
		case l.Amount >= 0:
		case l.Coupon != "":
			coupons -= l.Amount
		case l.Label == LabelMemberMinutes || l.Label == LabelMemberAmount:
			member -= l.Amount
		}
	}
	return coupons, member
}

// memberCouponID names the coupon that keeps the member benefit a payment
// used; a payment id is a generated UUID, so no partner's coupon has it.
func memberCouponID(paymentID string) string { return "member-" + paymentID }

// isBenefit says whether c keeps a paid member benefit (keepBenefit).
func isBenefit(c *park.Coupon) bool {
	return c.State == park.CouponUsed && c.PaymentID != "" && c.ID == memberCouponID(c.PaymentID)
}

// grantsBenefit says whether paying q would keep a member benefit: its
// lines have one and the stay has none kept yet.
func grantsBenefit(ctx context.Context, tx park.Tx, st *park.Stay, q *park.Quote) (bool, error) {
	if _, member := Deductions(q.Lines); member <= 0 {
		return false, nil
	}
	cs, err := tx.StayCoupons(ctx, st.LotCode, st.PlateKey, st.ID)
	if err != nil {
		return false, err
	}
	return !slices.ContainsFunc(cs, isBenefit), nil
}

// keepBenefit keeps what a paid quote's member benefit took off as a
// coupon of that amount, used by the stay and the payment, in the
// payment's transaction. Pricing the stay again (an exit after the
// grace, the next payment) deducts it as it does the car's used coupons,
// so the member is not charged the benefit back; its line keeps the
// member's label.
func keepBenefit(ctx context.Context, tx park.Tx, st *park.Stay, q *park.Quote, paymentID string, now time.Time) error {
	_, member := Deductions(q.Lines)
	if member <= 0 {
		return nil
	}
	cs, err := tx.StayCoupons(ctx, st.LotCode, st.PlateKey, st.ID)
	if err != nil || slices.ContainsFunc(cs, isBenefit) {
		return err // the quote's member line is the benefit kept before
	}
	return tx.CreateCoupon(ctx, &park.Coupon{
		ID: memberCouponID(paymentID), LotCode: st.LotCode, Plate: st.Plate, PlateKey: st.PlateKey,
		Kind: park.CouponAmount, Value: member, Issuer: q.Source, Merchant: LabelMemberAmount,
		ValidFrom: st.EntryAt, ValidTo: now, State: park.CouponUsed, StayID: st.ID, PaymentID: paymentID,
		UsedAt: &now, CreatedAt: now, UpdatedAt: now,
	})
}
