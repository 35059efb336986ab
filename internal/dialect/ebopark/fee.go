package ebopark

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"parkd/internal/billing"
	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/partners"
	"parkd/internal/plate"
)

// feeOps are the temporary-parking fee operations (3.2.1) and in-park car
// operations.
func (h *Handler) feeOps() map[string]operation {
	return map[string]operation{
		"getProStopWithDeductionV3": h.getProStopWithDeductionV3,
		"paysyncWithDeductionV3":    h.paysyncWithDeductionV3,
		"NoPlateCarEntry":           h.noPlateCarEntry,
		"DeleteInParkCar":           h.deleteInParkCar,
	}
}

// fen is the one conversion between the core's amounts and the dialect's:
// amounts are integer minor units of the lot's currency (fen for CNY), so
// the conversion is the identity; it exists so that a change of unit is
// made in one place.
func fen(minor int64) int64 { return minor }

// minorFromFen is fen's inverse, for amounts partners send.
func minorFromFen(f int64) int64 { return f }

// feeCarPlate parses a CarNo that may be a plate or a temporary identity
// (临 + 7) a plate-less car got at entry; the words 无牌车 etc. name no car.
func feeCarPlate(s *string) (plate.Plate, error) {
	c, err := required("CarNo", s)
	if err != nil {
		return plate.Plate{}, err
	}
	if plate.IsNoPlate(c) {
		return plate.Plate{}, &park.Error{Code: codePlate, Message: "无牌车请使用入场时发放的临时车牌"}
	}
	p, err := plate.Normalize(c)
	var pe *plate.Error
	if errors.As(err, &pe) {
		return plate.Plate{}, &park.Error{Code: codePlate, Message: pe.Reason}
	}
	if err != nil {
		return plate.Plate{}, &park.Error{Code: codePlate}
	}
	return p, nil
}

// text is a parameter vendors send either as a JSON string or a number
// (PayType 1, "WX").
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = text(s)
		return nil
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&n); err != nil {
		return &json.UnmarshalTypeError{Value: string(b), Type: reflect.TypeFor[string]()}
	}
	*t = text(n.String())
	return nil
}

// optional returns the text, "" when absent.
func (t *text) get() *string {
	if t == nil {
		return nil
	}
	s := string(*t)
	return &s
}

// Codes of this file's refusals (rows in replies).
const (
	codeLotFull park.Code = "ebopark_lot_full" // a plate-less entry held: the lot is full
	codeRefused park.Code = "ebopark_refused"  // an entry held for another reason
)

var (
	refRE     = regexp.MustCompile(`^[\x21-\x7e]{1,64}$`)
	locatorRE = regexp.MustCompile(`^[A-Za-z0-9]{1,32}$`)
)

// MaxReason bounds DeleteInParkCar's Reason (characters).
const MaxReason = 128

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
	// The lot is read with the stay; it is read on its own only to tell
	// an unknown lot from a car that is not inside (the fee query is the
	// partner's hottest call).
	code, err := partnerLotCode(p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	var q partners.StayLookup
	switch {
	case in.Locator != nil && *in.Locator != "" && in.CarNo != nil && *in.CarNo != "":
		return nil, 0, &park.Error{Code: codeType, Field: "CarNo", Message: "CarNo 与 Locator 只能给一个"}
	case in.Locator != nil && *in.Locator != "":
		if !locatorRE.MatchString(*in.Locator) {
			return nil, 0, &park.Error{Code: codeType, Field: "Locator", Message: "应为1-32位字母或数字"}
		}
		q.Locator = *in.Locator
	default:
		car, err := feeCarPlate(in.CarNo)
		if err != nil {
			return nil, 0, err
		}
		q.Plate = car.Text
	}
	// Only this lot: the partner's other lots are not searched.
	scoped := *p
	scoped.Lots = []string{code}
	st, err := h.svc.Partners.LookupStay(ctx, &scoped, q)
	if park.IsCode(err, park.ENotFound) {
		if _, err := h.partnerLot(ctx, p, in.ParkCode); err != nil {
			return nil, 0, err
		}
		return nil, 0, &park.Error{Code: park.ENotFound, Message: "该车辆不在场内"}
	}
	if park.IsCode(err, park.EInvalid) {
		field := "CarNo"
		if q.Locator != "" {
			field = "Locator"
		}
		return nil, 0, &park.Error{Code: codeType, Field: field}
	}
	if err != nil {
		return nil, 0, err
	}
	l := st.Lot
	out := feeResult{ParkCode: l.Code, CarNo: st.Stay.Plate, Locator: st.Stay.Locator,
		EntryTime: localTime(st.Stay.EntryAt, l), QueryTime: localTime(st.At, l), ParkTime: parkMinutes(st),
		TotalFee: fen(st.Total), PaidFee: fen(st.Paid), DeductionFee: fen(st.Discount), PayFee: fen(st.Due),
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
	FreeOutTime string `json:"freeOutTime"` // leave by then and the barrier opens
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
	code, err := partnerLotCode(p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	rep, err := readPayReport(&in, park.MaxAmount)
	if err != nil {
		return nil, 0, err
	}
	if len(rep.OrderNo) > 64 {
		return nil, 0, orderNotFound()
	}
	res, err := h.svc.Billing.Pay(ctx, park.PaymentRequest{QuoteID: rep.OrderNo, Amount: minorFromFen(rep.PayFee),
		Method: rep.PayType, Payer: p.ID, Reference: rep.TradeNo, Lot: code})
	if err != nil {
		return nil, 0, payError(err)
	}
	pay, l := res.Payment, res.Lot
	return paysyncResult{ParkCode: l.Code, OrderNo: pay.QuoteID, TradeNo: rep.TradeNo, CarNo: res.Stay.Plate, PayFee: fen(pay.Amount),
		PayTime: localTime(pay.PaidAt, l), FreeOutTime: localTime(pay.PaidUntil, l), PaymentID: pay.ID,
		Repeated: res.Replay}, 1, nil
}

// payReport is a partner's report that its user paid an order, as
// paysyncWithDeductionV3 and MonthCarRechargeResult both take it.
type payReport struct {
	OrderNo, PayType, TradeNo string
	PayFee                    int64 // fen
}

// readPayReport checks the fields of a payment report, in the order the
// partner reads its errors: OrderNo, PayFee (0 to maxFee fen), PayType,
// TradeNo, then PayTime, which is only checked (parkd records its own).
func readPayReport(in *paysyncRequest, maxFee int64) (payReport, error) {
	order, err := required("OrderNo", in.OrderNo)
	if err != nil {
		return payReport{}, err
	}
	if in.PayFee == nil {
		return payReport{}, &park.Error{Code: codeMissing, Field: "PayFee"}
	}
	if *in.PayFee < 0 || *in.PayFee > maxFee {
		return payReport{}, &park.Error{Code: codeType, Field: "PayFee", Message: "应为非负整数（分）"}
	}
	payType, err := required("PayType", in.PayType.get())
	if err != nil {
		return payReport{}, err
	}
	if !refRE.MatchString(payType) || len(payType) > 32 {
		return payReport{}, &park.Error{Code: codeType, Field: "PayType", Message: "应为1-32个可见ASCII字符"}
	}
	trade, err := required("TradeNo", in.TradeNo)
	if err != nil {
		return payReport{}, err
	}
	if !refRE.MatchString(trade) {
		return payReport{}, &park.Error{Code: codeType, Field: "TradeNo", Message: "应为1-64个可见ASCII字符"}
	}
	if in.PayTime != nil && *in.PayTime != "" {
		if _, err := time.Parse(timeLayout, *in.PayTime); err != nil { // checked only: parkd records its own time
			return payReport{}, &park.Error{Code: codeType, Field: "PayTime", Message: "应为 yyyy-MM-dd HH:mm:ss"}
		}
	}
	return payReport{OrderNo: order, PayType: payType, TradeNo: trade, PayFee: *in.PayFee}, nil
}

// parkMinutes is parkTime: whole minutes from entry to when the stay was
// priced (never negative when two clocks disagree).
func parkMinutes(st *billing.StayStatus) int64 {
	return max(int64(st.At.Sub(st.Stay.EntryAt)/time.Minute), 0)
}

func orderNotFound() error {
	return &park.Error{Code: park.ENotFound, Field: "OrderNo", Message: "订单不存在，请重新查费"}
}

// payError words the core's payment refusals for the partner; the table
// gives each code its desc.
func payError(err error) error {
	code := park.ErrorCode(err)
	switch code {
	case park.EAmountMismatch:
		var pe *park.Error
		errors.As(err, &pe)
		return &park.Error{Code: code, Field: "PayFee", Message: "应付 " + strconv.FormatInt(fen(pe.Amount), 10) + " 分"}
	case park.EQuoteExpired:
		return &park.Error{Code: code, Field: "OrderNo", Message: "请重新查费"}
	case park.EQuotePaid, park.EStaySettled, park.EStayClosed, park.EIdempotencyKey:
		field := "OrderNo"
		if code == park.EIdempotencyKey {
			field = "TradeNo"
		}
		return &park.Error{Code: code, Field: field}
	case park.ENotFound:
		return orderNotFound()
	}
	return err
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

var laneRE = regexp.MustCompile(`^[\x21-\x7e]{1,64}$`)

// noPlateCarEntry is 无牌车入场: a driver without a plate scanned the
// entry lane's QR code. The core records the entry now and issues a
// temporary identity (carNo). With RequestId, a repeated request returns
// the first entry (the event id is derived from the partner and
// RequestId); without it every request is a new entry.
func (h *Handler) noPlateCarEntry(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in noPlateRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	lane, err := required("ChannelId", in.ChannelID)
	if err != nil {
		return nil, 0, err
	}
	if !laneRE.MatchString(lane) {
		return nil, 0, &park.Error{Code: codeType, Field: "ChannelId", Message: "应为1-64个可见ASCII字符"}
	}
	if in.OpenID != nil && len(*in.OpenID) > 128 {
		return nil, 0, &park.Error{Code: codeType, Field: "OpenId", Message: "至多128个字符"}
	}
	id := "ebopark-noplate-" + uuid.NewString()
	if in.RequestID != nil && *in.RequestID != "" {
		if !refRE.MatchString(*in.RequestID) {
			return nil, 0, &park.Error{Code: codeType, Field: "RequestId", Message: "应为1-64个可见ASCII字符"}
		}
		id = "ebopark-noplate:" + p.ID + ":" + *in.RequestID
	}
	dec, err := h.svc.Gate.HandleEvent(ctx, gate.EventInput{LotCode: l.Code, ID: id, Type: park.EventEntry,
		Plate: "无牌车", Lane: lane, At: h.svc.Gate.Now(), Source: p.ID})
	if err != nil {
		return nil, 0, err
	}
	if dec.Decision != park.DecisionOpen || dec.StayID == "" {
		if dec.Reason == park.ReasonLotFull {
			return nil, 0, &park.Error{Code: codeLotFull}
		}
		return nil, 0, &park.Error{Code: codeRefused, Message: dec.Reason}
	}
	st, err := h.svc.Gate.GetStay(ctx, dec.StayID)
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
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	car, err := feeCarPlate(in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	reason := "ebopark partner " + p.ID
	if in.Reason != nil && (!utf8.ValidString(*in.Reason) || utf8.RuneCountInString(*in.Reason) > MaxReason) {
		return nil, 0, &park.Error{Code: codeType, Field: "Reason", Message: "至多" + strconv.Itoa(MaxReason) + "个字符"}
	}
	if in.Reason != nil && *in.Reason != "" {
		reason += ": " + *in.Reason
	}
	err = h.svc.Gate.RemoveInside(ctx, l.Code, car.Text, reason)
	switch {
	case park.IsCode(err, park.ENotFound):
		return nil, 0, &park.Error{Code: park.ENotFound, Message: "该车辆不在场内"}
	case err != nil:
		return nil, 0, err
	}
	return deleteInParkResult{ParkCode: l.Code, CarNo: car.Text}, 1, nil
}
