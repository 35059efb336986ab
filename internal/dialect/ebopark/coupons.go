package ebopark

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"strconv"
	"time"

	"parkd/internal/billing"
	"parkd/internal/park"
)

// couponOps are the deduction coupon operations (3.2.3): a partner (a mall
// merchant's system) grants coupons to a car; the core applies them to
// the car's next fee query and uses them when that fee is paid.
func (h *Handler) couponOps() map[string]*operation {
	// The core's coupon fields, as these requests name them.
	couponFields := map[string]string{
		"id": "DeduNo", "kind": "DeduType", "value": "DeduValue", "merchant": "MerchantName",
		"state": "Status", "limit": "PageSize", "created_to": "SendEndTime",
	}
	issueHints := map[park.Code]map[string]string{
		park.EInvalid:  {"EndTime": "须晚于 BeginTime，至多366天，且不能已过去"},
		park.EConflict: {"DeduNo": "该券号已用于其他车辆、类型或面额", "CarNo": "该车未使用的券已达上限"},
	}
	return map[string]*operation{
		"AddMinuteDeduction": {run: h.addMinuteDeduction, hints: issueHints,
			fields: merged(couponFields, map[string]string{"value": "Minutes"})},
		"AddDeduction": {run: h.addDeduction, fields: couponFields, hints: issueHints},
		"DeleteMinuteDeduction": {run: h.deleteMinuteDeduction, fields: couponFields,
			hints: map[park.Code]map[string]string{park.EConflict: {"DeduNo": "该券已使用，不能撤销"}}},
		"QueryDeduList": {run: h.queryDeduList, fields: couponFields,
			hints: map[park.Code]map[string]string{park.EInvalid: {"SendEndTime": "须晚于 sendStartTime"}}},
		"QueryDeduDetail": {run: h.queryDeduDetail, fields: couponFields},
	}
}

// merged is a copy of base with over's entries.
func merged(base, over map[string]string) map[string]string {
	out := maps.Clone(base)
	maps.Copy(out, over)
	return out
}

// Deduction types on the wire (deduType). AddMinuteDeduction issues
// minutes; AddDeduction takes the others.
const (
	deduMinutes = 0
	deduHours   = 1
	deduAmount  = 2
	deduPercent = 3
	deduFree    = 4
)

var deduKinds = map[int]string{
	deduMinutes: park.CouponMinutes, deduHours: park.CouponHours, deduAmount: park.CouponAmount,
	deduPercent: park.CouponPercent, deduFree: park.CouponFree,
}

// Coupon statuses on the wire, the vendor's codes (QueryDeduList's
// status): 0 unused, 1 used, 4 expired, 5 cancelled.
const (
	deduUnused    = 0
	deduUsed      = 1
	deduExpired   = 4
	deduCancelled = 5
)

// deduStates is the list filter each wire status selects.
var deduStates = map[int]string{
	deduUnused: park.CouponIssued, deduUsed: park.CouponUsed, deduExpired: park.CouponExpired,
	deduCancelled: park.CouponDeleted,
}

// deduStatuses is the wire status of each state a coupon reads as
// (park.Coupon.StateAt).
var deduStatuses = map[string]int{
	park.CouponIssued: deduUnused, park.CouponUsed: deduUsed, park.CouponExpired: deduExpired,
	park.CouponDeleted: deduCancelled,
}

type deduRecord struct {
	DeduNo        string `json:"deduNo"`
	ParkCode      string `json:"parkCode"`
	CarNo         string `json:"carNo"`
	DeduType      int    `json:"deduType"`
	DeduValue     int64  `json:"deduValue"`
	DeductionUnit string `json:"deductionUnit"`
	DeductionName string `json:"deductionName"`
	MerchantName  string `json:"merchantName"`
	Status        int    `json:"status"`
	SendTime      string `json:"sendTime"`  // when it was issued
	BeginTime     string `json:"beginTime"` // valid from
	EndTime       string `json:"endTime"`   // valid until (exclusive)
	UseTime       string `json:"useTime"`   // "" until used
	PaymentID     string `json:"paymentId"` // the payment that used it; "" for a free exit
}

// deduUnits and deduNames word a coupon's value for people.
var deduUnits = map[string]string{
	park.CouponMinutes: "分钟", park.CouponHours: "小时", park.CouponAmount: "分", park.CouponPercent: "%", park.CouponFree: "全免",
}

func deduName(c *park.Coupon) string {
	v := strconv.FormatInt(c.Value, 10)
	switch c.Kind {
	case park.CouponMinutes:
		return v + "分钟停车券"
	case park.CouponHours:
		return v + "小时停车券"
	case park.CouponAmount:
		return v + "分抵扣券"
	case park.CouponPercent:
		return "减免" + v + "%停车券"
	}
	return "全免停车券"
}

func deduResult(l *park.Lot, c *park.Coupon, now time.Time) deduRecord {
	r := deduRecord{DeduNo: c.ID, ParkCode: c.LotCode, CarNo: c.Plate, DeduValue: c.Value,
		DeductionUnit: deduUnits[c.Kind], DeductionName: deduName(c), MerchantName: c.Merchant,
		SendTime: localTime(c.CreatedAt, l), BeginTime: localTime(c.ValidFrom, l), EndTime: localTime(c.ValidTo, l),
		PaymentID: c.PaymentID}
	for t, k := range deduKinds {
		if k == c.Kind {
			r.DeduType = t
		}
	}
	r.Status = deduStatuses[c.StateAt(now)]
	if c.UsedAt != nil {
		r.UseTime = localTime(*c.UsedAt, l)
	}
	return r
}

type addDeduRecord struct {
	deduRecord
	Repeated bool `json:"repeated"` // a resend (same DeduNo and details, or without one the same body within 5 minutes): the first coupon
}

// addDeduRequest is AddMinuteDeduction's and AddDeduction's body: the
// first sends Minutes, the second DeduType and DeduValue.
type addDeduRequest struct {
	ParkCode     *string `json:"ParkCode"`
	CarNo        *string `json:"CarNo"`
	DeduNo       *string `json:"DeduNo"`
	Minutes      *int64  `json:"Minutes"`
	DeduType     *int    `json:"DeduType"`
	DeduValue    *int64  `json:"DeduValue"`
	MerchantName *string `json:"MerchantName"`
	BeginTime    *string `json:"BeginTime"`
	EndTime      *string `json:"EndTime"`
}

// addMinuteDeduction is 分钟券发放: Minutes of parking off the car's stay.
func (h *Handler) addMinuteDeduction(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	return h.addCoupon(ctx, p, body, true)
}

// addDeduction is 时长/金额券发放: DeduType 1 hours, 2 amount (fen),
// 3 percent off, 4 free stay; DeduValue the hours, fen or percent (1 for
// a free stay).
func (h *Handler) addDeduction(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	return h.addCoupon(ctx, p, body, false)
}

func (h *Handler) addCoupon(ctx context.Context, p *park.Partner, body []byte, minutes bool) (any, int, error) {
	var in addDeduRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, car, err := h.lotAndCar(ctx, p, in.ParkCode, in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	ci := billing.CouponInput{LotCode: l.Code, Plate: car, Merchant: optString(in.MerchantName), Issuer: p.ID}
	if in.DeduNo != nil {
		ci.ID = *in.DeduNo // its format is the core's (Coupon.Validate)
	}
	if ci.ID == "" {
		// Without a coupon number the request itself is the grant's
		// identity: the same body again is a resend (billing.CouponResendWindow).
		op, sum := "AddDeduction", sha256.Sum256(body)
		if minutes {
			op = "AddMinuteDeduction"
		}
		ci.IdempotencyKey, ci.KeyFromContent = op+":"+hex.EncodeToString(sum[:]), true
	}
	if minutes {
		if in.Minutes == nil {
			return nil, 0, refuse(refusedMissing, "Minutes", "")
		}
		ci.Kind, ci.Value = park.CouponMinutes, *in.Minutes
	} else {
		if in.DeduType == nil {
			return nil, 0, refuse(refusedMissing, "DeduType", "")
		}
		kind, ok := deduKinds[*in.DeduType]
		if !ok || *in.DeduType == deduMinutes {
			return nil, 0, refuse(refusedType, "DeduType", "")
		}
		ci.Kind = kind
		switch {
		case in.DeduValue != nil:
			ci.Value = *in.DeduValue
		case kind != park.CouponFree: // the core gives a free stay its value
			return nil, 0, refuse(refusedMissing, "DeduValue", "")
		}
	}
	if ci.ValidFrom, err = optTime("BeginTime", in.BeginTime, l); err != nil {
		return nil, 0, err
	}
	if ci.ValidTo, err = optTime("EndTime", in.EndTime, l); err != nil {
		return nil, 0, err
	}
	res, err := h.svc.Billing.IssueCoupon(ctx, ci)
	if err != nil {
		return nil, 0, err
	}
	return addDeduRecord{deduResult(l, res.Coupon, h.svc.Billing.Now()), res.Replay}, 1, nil
}

type deduRequest struct {
	ParkCode *string `json:"ParkCode"`
	DeduNo   *string `json:"DeduNo"`
}

func (h *Handler) deduArgs(ctx context.Context, p *park.Partner, body []byte) (*park.Lot, string, error) {
	var in deduRequest
	if err := decode(body, &in); err != nil {
		return nil, "", err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, "", err
	}
	id, err := required("DeduNo", in.DeduNo)
	if err != nil {
		return nil, "", err
	}
	return l, id, nil
}

// deleteMinuteDeduction is 券撤销: withdraws an unused coupon the partner
// issued (of any kind); a used one is refused (数据冲突 DeduNo).
func (h *Handler) deleteMinuteDeduction(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	l, id, err := h.deduArgs(ctx, p, body)
	if err != nil {
		return nil, 0, err
	}
	c, err := h.svc.Billing.DeleteCoupon(ctx, l.Code, id, p.ID)
	if err != nil {
		return nil, 0, err
	}
	return deduResult(l, c, h.svc.Billing.Now()), 1, nil
}

// queryDeduDetail is 券详情: one coupon the partner issued.
func (h *Handler) queryDeduDetail(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	l, id, err := h.deduArgs(ctx, p, body)
	if err != nil {
		return nil, 0, err
	}
	c, err := h.svc.Billing.GetCoupon(ctx, l.Code, id, p.ID)
	if err != nil {
		return nil, 0, err
	}
	return deduResult(l, c, h.svc.Billing.Now()), 1, nil
}

type deduListRequest struct {
	ParkCode      *string `json:"ParkCode"`
	CarNo         *string `json:"CarNo"`
	Status        *int    `json:"Status"`
	SendStartTime *string `json:"SendStartTime"`
	SendEndTime   *string `json:"SendEndTime"`
	Page          *int    `json:"Page"`
	PageSize      *int    `json:"PageSize"`
}

type deduPage struct {
	Total   int          `json:"total"`
	Page    int          `json:"page"`
	Records []deduRecord `json:"records"`
}

// DefaultDeduPageSize is QueryDeduList's page when PageSize is absent.
const DefaultDeduPageSize = 10

// queryDeduList is 券列表: the coupons the partner issued in a lot,
// oldest first, optionally of one car (CarNo), one status and issued in
// [SendStartTime, SendEndTime]; page Page (from 1) of PageSize (1-1000,
// default 10).
func (h *Handler) queryDeduList(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in deduListRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	q := billing.CouponQuery{LotCode: l.Code, Issuer: p.ID, Limit: DefaultDeduPageSize}
	if q.Plate, err = optCarNo(in.CarNo); err != nil {
		return nil, 0, err
	}
	if in.Status != nil {
		st, ok := deduStates[*in.Status]
		if !ok {
			return nil, 0, refuse(refusedType, "Status", "")
		}
		q.State = st
	}
	if q.CreatedFrom, err = optTime("SendStartTime", in.SendStartTime, l); err != nil {
		return nil, 0, err
	}
	end, err := optTime("SendEndTime", in.SendEndTime, l)
	if err != nil {
		return nil, 0, err
	}
	if !end.IsZero() {
		q.CreatedTo = end.Add(time.Second) // the vendor's end second is included
	}
	page, err := pageNum("Page", in.Page)
	if err != nil {
		return nil, 0, err
	}
	if q.Limit, err = pageSize(in.PageSize, DefaultDeduPageSize); err != nil {
		return nil, 0, err
	}
	q.Offset = (page - 1) * q.Limit
	cs, n, err := h.svc.Billing.ListCoupons(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	now := h.svc.Billing.Now()
	out := deduPage{Total: n, Page: page, Records: make([]deduRecord, len(cs))}
	for i, c := range cs {
		out.Records[i] = deduResult(l, c, now)
	}
	return out, n, nil
}
