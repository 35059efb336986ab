package ebopark

import (
	"context"

	"parkd/internal/access"
	"parkd/internal/park"
)

// monthRateOps are monthly rates and renewal (3.2.4.1): the lot's plans,
// a renewal fee (an order that expires like a fee quote) and the report
// that the order was paid, which extends the pass once.
func (h *Handler) monthRateOps() map[string]*operation {
	return map[string]*operation{
		"QueryMonthRates": {run: h.queryMonthRates},
		"GetMonthCarRechargeFee": {run: h.getMonthCarRechargeFee, hints: map[park.Code]map[string]string{
			park.ENotFound: {"CarNo": "该车牌在本车场无月租，或不属于 MonthId/UserCode 所指的月租", "RateId": ownPlanGone},
			park.EInvalid:  {"RateId": "月租未关联费率，请给出 RateId", "CarNo": "无牌车不支持月租"}}},
		// A renewal order is named by its id; a pass deleted since the
		// fee query is not found.
		"MonthCarRechargeResult": {run: h.monthCarRechargeResult, fields: map[string]string{"id": "OrderNo"},
			hints: map[park.Code]map[string]string{
				park.ENotFound:     {"OrderNo": "订单不存在，请重新获取充值费用", "MonthId": "月租已删除"},
				park.EQuoteExpired: {"OrderNo": "请重新获取充值费用"}}},
	}
}

// ownPlanGone words a renewal's plan that is not the lot's: the RateId
// sent, or, without one, the pass's own plan (a label given with
// AddMonthCar, or a plan deleted since), which the partner did not send.
const ownPlanGone = "月租费率不存在（未传 RateId 时为该月租自身的费率），请传本车场的 RateId"

type periodResult struct {
	BeginTime string `json:"beginTime"` // HH:mm, lot-local
	EndTime   string `json:"endTime"`   // HH:mm; not after beginTime: the next day
}

type rateResult struct {
	RateID       string         `json:"rateId"`
	RateName     string         `json:"rateName"`
	Price        int64          `json:"price"` // fen per month
	VehicleClass string         `json:"vehicleClass,omitempty"`
	Periods      []periodResult `json:"periods,omitempty"`
}

func periods(slots []park.Slot) []periodResult {
	if len(slots) == 0 {
		return nil
	}
	out := make([]periodResult, len(slots))
	for i, s := range slots {
		out[i] = periodResult{BeginTime: s.From, EndTime: s.To}
	}
	return out
}

// lotRates lists the lot's plans, only the time-slot ones or only the
// whole-day ones.
func (h *Handler) lotRates(ctx context.Context, p *park.Partner, body []byte, slotted bool) (any, int, error) {
	var in struct {
		ParkCode *string `json:"ParkCode"`
	}
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	code, err := required("ParkCode", in.ParkCode) // the use case refuses a lot not the partner's
	if err != nil {
		return nil, 0, err
	}
	all, err := h.svc.Access.ListPlans(ctx, p.ID, code)
	if err != nil {
		return nil, 0, err
	}
	out := []rateResult{}
	for _, pl := range all {
		if (len(pl.Slots) > 0) == slotted {
			out = append(out, rateResult{RateID: pl.Code, RateName: pl.Name, Price: fen(pl.Price),
				VehicleClass: pl.VehicleClass, Periods: periods(pl.Slots)})
		}
	}
	return out, len(out), nil
}

// queryMonthRates is 月租费率按车场查询: the lot's whole-day plans, by
// code (time-slot plans are QueryPeriodMonthRates').
func (h *Handler) queryMonthRates(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	return h.lotRates(ctx, p, body, false)
}

type rechargeFeeRequest struct {
	ParkCode *string `json:"ParkCode"`
	MonthID  *string `json:"MonthId"`
	UserCode *string `json:"UserCode"`
	CarNo    *string `json:"CarNo"`
	Months   *int    `json:"Months"`
	RateID   *string `json:"RateId"`
}

type rechargeFeeResult struct {
	OrderNo    string   `json:"orderNo"` // the renewal order; MonthCarRechargeResult reports it paid
	MonthID    string   `json:"monthId"`
	CarNo      []string `json:"carNo"`
	RateID     string   `json:"rateId"`
	Months     int      `json:"months"`
	Price      int64    `json:"price"`      // fen per month
	PayFee     int64    `json:"payFee"`     // price × months
	OldEndTime string   `json:"oldEndTime"` // the pass's end now
	BeginTime  string   `json:"beginTime"`  // the renewed months start (oldEndTime, or now when lapsed)
	EndTime    string   `json:"endTime"`    // the pass's end once paid (exclusive)
	ExpireTime string   `json:"expireTime"` // pay before this, else ask again
}

// getMonthCarRechargeFee is 月租车获取充值费用: the fee of Months months
// (1-36) of the pass named by MonthId, UserCode and/or CarNo (all that
// are given name it), on RateId or the pass's own plan, and the new end. The reply's
// orderNo is valid until expireTime.
func (h *Handler) getMonthCarRechargeFee(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in rechargeFeeRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	// Every key given must name the same pass (the core's rule): MonthId
	// of one pass with CarNo of another quotes neither.
	ri := access.RenewalInput{Lot: l.Code, Plan: optString(in.RateID), Source: p.ID,
		Pass: access.PassRef{ID: optString(in.MonthID), UserCode: optString(in.UserCode)}}
	if ri.Pass.Plate, err = optCarNo(in.CarNo); err != nil {
		return nil, 0, err
	}
	if ri.Pass == (access.PassRef{}) {
		return nil, 0, refuse(refusedMissing, "MonthId/UserCode/CarNo", "")
	}
	if in.Months == nil {
		return nil, 0, refuse(refusedMissing, "Months", "")
	}
	ri.Months = *in.Months // 1-36: the core's bounds
	r, ps, err := h.svc.Access.QuoteRenewal(ctx, ri)
	if err != nil {
		return nil, 0, err
	}
	return rechargeFeeResult{OrderNo: r.ID, MonthID: ps.ID, CarNo: ps.Plates, RateID: r.PlanCode, Months: r.Months,
		Price: fen(r.Amount / int64(r.Months)), PayFee: fen(r.Amount), OldEndTime: localTime(r.PassValidTo, l),
		BeginTime: localTime(r.StartsAt, l), EndTime: localTime(r.ValidTo, l), ExpireTime: localTime(r.ExpiresAt, l)}, 1, nil
}

// rechargeResultRequest reports a renewal order paid, with the fields of
// a parking payment report.
type rechargeResultRequest = paysyncRequest

type rechargeResult struct {
	OrderNo   string `json:"orderNo"`
	TradeNo   string `json:"tradeNo"`
	MonthID   string `json:"monthId"`
	PayFee    int64  `json:"payFee"`
	PayTime   string `json:"payTime"`   // when parkd recorded it
	BeginTime string `json:"beginTime"` // the renewed months start
	EndTime   string `json:"endTime"`   // the pass's new end (exclusive)
	Repeated  bool   `json:"repeated"`  // this TradeNo was already reported: the first result
}

// monthCarRechargeResult is 月租车充值结果下发: the partner's user paid a
// renewal order. The pass is extended once; repeating the report with the
// same TradeNo returns the first result.
func (h *Handler) monthCarRechargeResult(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in rechargeResultRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	rep, err := readPayReport(&in)
	if err != nil {
		return nil, 0, err
	}
	res, err := h.svc.Access.PayRenewal(ctx, access.RenewalPayment{Lot: l.Code, ID: rep.OrderNo, Amount: minorFromFen(rep.PayFee),
		Payer: p.ID, Reference: rep.TradeNo, Method: rep.PayType})
	if err != nil {
		return nil, 0, err
	}
	r := res.Renewal
	return rechargeResult{OrderNo: r.ID, TradeNo: r.Reference, MonthID: r.PassID, PayFee: fen(r.Amount),
		PayTime: localTime(*r.PaidAt, l), BeginTime: localTime(r.StartsAt, l), EndTime: localTime(r.ValidTo, l),
		Repeated: res.Replay}, 1, nil
}
