package ebopark

import (
	"context"

	"parkd/internal/billing"
	"parkd/internal/park"
)

// crmOps are the mall CRM operations (3.2.2): the fee of a member's car
// with the member's benefit, and the sync of its payment.
func (h *Handler) crmOps() map[string]*operation {
	return map[string]*operation{
		// The member benefit's fields, as CrmQueryFeeV5 names them.
		"CrmQueryFeeV5":  {run: h.crmQueryFeeV5, fields: map[string]string{"member": "MemberNo", "minutes": "FreeMinutes", "amount": "DiscountFee"}},
		"CrmOrderSyncV5": {run: h.crmOrderSyncV5},
	}
}

type crmFeeRequest struct {
	ParkCode    *string `json:"ParkCode"`
	CarNo       *string `json:"CarNo"`
	MemberNo    *string `json:"MemberNo"`
	FreeMinutes *int64  `json:"FreeMinutes"`
	DiscountFee *int64  `json:"DiscountFee"`
}

type crmFeeResult struct {
	ParkCode     string `json:"parkCode"`
	CarNo        string `json:"carNo"`
	MemberNo     string `json:"memberNo"`
	EntryTime    string `json:"entryTime"`
	QueryTime    string `json:"queryTime"`
	ParkTime     int64  `json:"parkTime"` // minutes, whole
	TotalFee     int64  `json:"totalFee"`
	PaidFee      int64  `json:"paidFee"`
	DeductionFee int64  `json:"deductionFee"` // couponFee + memberFee
	CouponFee    int64  `json:"couponFee"`    // the car's coupons
	MemberFee    int64  `json:"memberFee"`    // the member's benefit
	PayFee       int64  `json:"payFee"`
	OrderNo      string `json:"orderNo"`
	ExpireTime   string `json:"expireTime"`
	FreeOutTime  string `json:"freeOutTime"`
}

// crmQueryFeeV5 is CRM查费: the car inside priced now with its coupons and
// the member's benefit (FreeMinutes of parking, then DiscountFee fen off);
// when something is due, orderNo is a quote carrying that benefit, which
// CrmOrderSyncV5 (or paysyncWithDeductionV3) settles for exactly payFee.
func (h *Handler) crmQueryFeeV5(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in crmFeeRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	code, err := h.partnerLotCode(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	car, err := carNo(in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	member, err := memberNo(in.MemberNo)
	if err != nil {
		return nil, 0, err
	}
	b := billing.MemberBenefit{Member: member}
	if in.FreeMinutes != nil {
		b.Minutes = *in.FreeMinutes
	}
	if in.DiscountFee != nil {
		b.Amount = minorFromFen(*in.DiscountFee)
	}
	st, err := h.svc.Billing.MemberQuote(ctx, p, code, car, b)
	if err != nil {
		return nil, 0, err
	}
	l := st.Lot
	coupons, benefit := billing.Deductions(st.Lines)
	out := crmFeeResult{ParkCode: l.Code, CarNo: st.Stay.Plate, MemberNo: member,
		EntryTime: localTime(st.Stay.EntryAt, l), QueryTime: localTime(st.At, l),
		ParkTime: parkMinutes(st), TotalFee: fen(st.Gross), PaidFee: fen(st.Paid),
		DeductionFee: fen(st.Discount), CouponFee: fen(coupons), MemberFee: fen(benefit), PayFee: fen(st.Due),
		FreeOutTime: localTime(st.ValidUntil, l)}
	if st.Quote != nil {
		out.OrderNo, out.ExpireTime = st.Quote.ID, localTime(st.Quote.ExpiresAt, l)
	}
	return out, 1, nil
}

// memberNo reads the optional MemberNo (1-64 visible ASCII characters).
func memberNo(s *string) (string, error) {
	if s == nil || *s == "" {
		return "", nil
	}
	if !refRE.MatchString(*s) {
		return "", refuse(refusedType, "MemberNo", "")
	}
	return *s, nil
}

type crmSyncRequest struct {
	MemberNo *string `json:"MemberNo"`
}

type crmSyncResult struct {
	paysyncResult
	MemberNo string `json:"memberNo"`
}

// crmOrderSyncV5 is CRM订单同步: the CRM reports its member paid orderNo.
// It is paysyncWithDeductionV3 (same fields, same rules: TradeNo makes it
// idempotent; expired, paid and amount-mismatch refusals), with the
// optional MemberNo echoed.
func (h *Handler) crmOrderSyncV5(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in crmSyncRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	member, err := memberNo(in.MemberNo)
	if err != nil {
		return nil, 0, err
	}
	res, n, err := h.paysyncWithDeductionV3(ctx, p, body)
	if err != nil {
		return nil, 0, err
	}
	return crmSyncResult{res.(paysyncResult), member}, n, nil
}
