package ebopark

import (
	"context"
	"strconv"
	"strings"
	"time"

	"parkd/internal/billing"
	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/partners"
)

// feeOps are the temporary-parking fee operations (3.2.1) and in-park car
// removal (3.2.5).
func (h *Handler) feeOps() map[string]*operation {
	return map[string]*operation{
		"getProStopWithDeductionV3": {run: h.getProStopWithDeductionV3},
		"paysyncWithDeductionV3":    {run: h.paysyncWithDeductionV3},
		"NoPlateCarEntry": {run: h.noPlateCarEntry,
			hints: map[park.Code]map[string]string{park.EInvalid: {"ChannelId": "应为本车场的入口通道（" + laneRule + "）"},
				park.EConflict: {"RequestId": "该RequestId已用于另一通道的无牌车入场，另一次入场请使用新的RequestId"}}},
		"DeleteInParkCar": {run: h.deleteInParkCar, hints: map[park.Code]map[string]string{
			park.EInvalid: {"Reason": "至多" + strconv.Itoa(gate.MaxRemoveReason) + "个字符"}}},
	}
}

// fen is the one conversion between the core's amounts and the dialect's:
// amounts are integer minor units of the lot's currency (fen for CNY), so
// the conversion is the identity; it exists so that a change of unit is
// made in one place.
func fen(minor int64) int64 { return minor }

// minorFromFen is fen's inverse, for amounts partners send.
func minorFromFen(f int64) int64 { return f }

// --- getProStopWithDeductionV3 (查费) ---

type feeRequest struct {
	ParkCode *string `json:"ParkCode"`
	CarNo    *string `json:"CarNo"`
	Locator  *string `json:"Locator"`
}

type feeResult struct {
	ParkCode     string `json:"parkCode"`
	CarNo        string `json:"carNo"`
	Locator      string `json:"locator"`
	EntryTime    string `json:"entryTime"`
	QueryTime    string `json:"queryTime"`
	ParkTime     int64  `json:"parkTime"` // minutes, whole
	TotalFee     int64  `json:"totalFee"`
	PaidFee      int64  `json:"paidFee"`
	DeductionFee int64  `json:"deductionFee"`
	PayFee       int64  `json:"payFee"`
	OrderNo      string `json:"orderNo"`     // quote id; "" when nothing is due
	ExpireTime   string `json:"expireTime"`  // when orderNo expires; "" with no orderNo
	FreeOutTime  string `json:"freeOutTime"` // leave by then without paying more
}

// getProStopWithDeductionV3 is 查费: the car inside (by CarNo or by its
// ticket Locator, exactly one), priced now; when something is due, the
// core takes a quote for the partner and its id is orderNo, which
// paysyncWithDeductionV3 settles before expireTime.
func (h *Handler) getProStopWithDeductionV3(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in feeRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	// The lot, and whether it is the partner's, is read with the stay
	// (the fee query is the partners' hottest call), and only this lot is
	// searched.
	code, err := required("ParkCode", in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	q := partners.StayLookup{Lot: code, Locator: optString(in.Locator)}
	if q.Plate, err = optCarNo(in.CarNo); err != nil {
		return nil, 0, err
	}
	if q.Plate == "" && q.Locator == "" {
		return nil, 0, refuse(refusedMissing, "CarNo", "")
	}
	st, err := h.svc.Partners.LookupStay(ctx, p, q)
	if err != nil {
		return nil, 0, err
	}
	l := st.Lot
	out := feeResult{ParkCode: l.Code, CarNo: st.Stay.Plate, Locator: st.Stay.Locator,
		EntryTime: localTime(st.Stay.EntryAt, l), QueryTime: localTime(st.At, l), ParkTime: parkMinutes(st),
		TotalFee: fen(st.Gross), PaidFee: fen(st.Paid), DeductionFee: fen(st.Discount), PayFee: fen(st.Due),
		FreeOutTime: localTime(st.ValidUntil, l)}
	if st.Quote != nil {
		out.OrderNo, out.ExpireTime = st.Quote.ID, localTime(st.Quote.ExpiresAt, l)
	}
	return out, 1, nil
}

// --- paysyncWithDeductionV3 (订单同步) ---

type paysyncRequest struct {
	ParkCode *string `json:"ParkCode"`
	OrderNo  *string `json:"OrderNo"`
	PayFee   *int64  `json:"PayFee"`
	PayTime  *string `json:"PayTime"`
	PayType  *text   `json:"PayType"`
	TradeNo  *string `json:"TradeNo"`
}

type paysyncResult struct {
	ParkCode    string `json:"parkCode"`
	OrderNo     string `json:"orderNo"`
	TradeNo     string `json:"tradeNo"`
	CarNo       string `json:"carNo"`
	PayFee      int64  `json:"payFee"`
	PayTime     string `json:"payTime"`     // when parkd recorded the payment
	FreeOutTime string `json:"freeOutTime"` // leave by then and the barrier opens (billing.PaymentResult.LeaveBy)
	PaymentID   string `json:"paymentId"`
	Repeated    bool   `json:"repeated"` // this TradeNo was already synced; the first result
}

// paysyncWithDeductionV3 is 订单同步: the partner reports that its user
// paid orderNo (a quote from getProStopWithDeductionV3). It settles the
// quote with the core's payment rules, the partner as payer and TradeNo as
// its reference, so repeating a sync returns the first result.
func (h *Handler) paysyncWithDeductionV3(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in paysyncRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	code, err := required("ParkCode", in.ParkCode) // Pay checks it is the partner's, in its one transaction
	if err != nil {
		return nil, 0, err
	}
	rep, err := readPayReport(&in)
	if err != nil {
		return nil, 0, err
	}
	res, err := h.svc.Billing.Pay(ctx, park.PaymentRequest{QuoteID: rep.OrderNo, Amount: minorFromFen(rep.PayFee),
		Method: rep.PayType, Payer: p.ID, Reference: rep.TradeNo, Lot: code})
	if err != nil {
		return nil, 0, err
	}
	pay, l := res.Payment, res.Lot
	return paysyncResult{ParkCode: l.Code, OrderNo: pay.QuoteID, TradeNo: rep.TradeNo, CarNo: res.Stay.Plate, PayFee: fen(pay.Amount),
		PayTime: localTime(pay.PaidAt, l), FreeOutTime: localTime(res.LeaveBy, l), PaymentID: pay.ID,
		Repeated: res.Replay}, 1, nil
}

// payReport is a partner's report that its user paid an order, as
// paysyncWithDeductionV3 and MonthCarRechargeResult both take it.
type payReport struct {
	OrderNo, PayType, TradeNo string
	PayFee                    int64 // fen
}

// readPayReport reads the fields of a payment report, in the order the
// partner reads its errors: OrderNo, PayFee, PayType, TradeNo, then
// PayTime, which is only checked (parkd records its own time). The
// amount's bounds are the core's.
func readPayReport(in *paysyncRequest) (payReport, error) {
	order, err := required("OrderNo", in.OrderNo)
	if err != nil {
		return payReport{}, err
	}
	if in.PayFee == nil {
		return payReport{}, refuse(refusedMissing, "PayFee", "")
	}
	payType, err := required("PayType", in.PayType.get())
	if err != nil {
		return payReport{}, err
	}
	if !refRE.MatchString(payType) || len(payType) > 32 {
		return payReport{}, refuse(refusedType, "PayType", "")
	}
	trade, err := required("TradeNo", in.TradeNo)
	if err != nil {
		return payReport{}, err
	}
	if !refRE.MatchString(trade) {
		return payReport{}, refuse(refusedType, "TradeNo", "")
	}
	if in.PayTime != nil && *in.PayTime != "" {
		if _, err := wallTime(*in.PayTime, time.UTC); err != nil { // checked only: parkd records its own time
			return payReport{}, refuse(refusedType, "PayTime", timeHint)
		}
	}
	return payReport{OrderNo: order, PayType: payType, TradeNo: trade, PayFee: *in.PayFee}, nil
}

// parkMinutes is parkTime: whole minutes from entry to when the stay was
// priced (never negative when two clocks disagree).
func parkMinutes(st *billing.StayStatus) int64 {
	return max(int64(st.At.Sub(st.Stay.EntryAt)/time.Minute), 0)
}

// --- NoPlateCarEntry (无牌车入场) ---

type noPlateRequest struct {
	ParkCode  *string `json:"ParkCode"`
	ChannelID *string `json:"ChannelId"`
	OpenID    *string `json:"OpenId"`
	RequestID *string `json:"RequestId"`
}

type noPlateResult struct {
	ParkCode  string `json:"parkCode"`
	CarNo     string `json:"carNo"` // the temporary identity; the car pays and leaves with it
	Locator   string `json:"locator"`
	EntryTime string `json:"entryTime"`
	ChannelID string `json:"channelId"`
	OrderNo   string `json:"orderNo"` // parkd's stay id
}

// noPlateCarEntry is 无牌车入场: a driver without a plate scanned the
// entry lane's QR code. The core records the entry now (the same gate
// rules as a camera read of a plate-less car) and issues the car a
// temporary identity (carNo); with RequestId a repeated request answers
// the first entry.
func (h *Handler) noPlateCarEntry(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in noPlateRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	code, err := required("ParkCode", in.ParkCode) // the core checks it is the partner's
	if err != nil {
		return nil, 0, err
	}
	lane, err := required("ChannelId", in.ChannelID) // a lane's name is the core's to check
	if err != nil {
		return nil, 0, err
	}
	if in.OpenID != nil && len(*in.OpenID) > 128 {
		return nil, 0, refuse(refusedType, "OpenId", "")
	}
	st, l, err := h.svc.Gate.EnterPlateless(ctx, gate.PlatelessEntry{Lot: code, Lane: lane, Source: p.ID,
		RequestID: optString(in.RequestID)})
	if err != nil {
		return nil, 0, err
	}
	return noPlateResult{ParkCode: l.Code, CarNo: st.Plate, Locator: st.Locator, EntryTime: localTime(st.EntryAt, l),
		ChannelID: st.EntryLane, OrderNo: st.ID}, 1, nil
}

// --- DeleteInParkCar (场内车出场状态更新 / 删除在场车) ---

type deleteInParkRequest struct {
	ParkCode *string `json:"ParkCode"`
	CarNo    *string `json:"CarNo"`
	Reason   *string `json:"Reason"`
}

type deleteInParkResult struct {
	ParkCode string `json:"parkCode"`
	CarNo    string `json:"carNo"`
}

// deleteInParkCar removes a car from the cars inside (an operator's
// correction when no exit was read): the core closes its stay uncharged,
// marked "removed", and frees its space.
func (h *Handler) deleteInParkCar(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in deleteInParkRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	code, err := required("ParkCode", in.ParkCode) // the core checks it is the partner's
	if err != nil {
		return nil, 0, err
	}
	car, err := carNo(in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	if err := h.svc.Gate.RemoveInside(ctx, p.ID, code, car, p.ID, optString(in.Reason)); err != nil {
		return nil, 0, err
	}
	return deleteInParkResult{ParkCode: code, CarNo: car}, 1, nil
}

// payType spells a stored payment method as Ebopark's payType codes are
// written ("WX"): parkd keeps methods in lower case (park.PaymentMethod),
// so the code a partner sent comes back as it sent it.
func payType(method string) string { return strings.ToUpper(method) }
