package ebopark

import (
	"context"
	"strings"

	"parkd/internal/access"
	"parkd/internal/park"
	"parkd/internal/plate"
)

// reservationOps are the shared-parking and reservation operations
// (3.2.6). Orders live in the core, scoped to the partner: a partner sees
// and changes only its own order numbers.
func (h *Handler) reservationOps() map[string]operation {
	return map[string]operation{
		"ShareOrderSync":      h.shareOrderSync,
		"ShareOrderTerminate": h.shareOrderTerminate,
		"ShareQueryUser":      h.shareQueryUser,
		"ReservationSyncV2":   h.reservationSyncV2,
	}
}

// Order kinds on the wire.
var orderTypes = map[string]string{park.ReservationShared: "share", park.ReservationBooking: "reservation"}

type orderRequest struct {
	ParkCode   *string `json:"ParkCode"`
	OrderNo    *text   `json:"OrderNo"` // some platforms send order numbers as JSON numbers
	CarNo      *string `json:"CarNo"`
	UserMobile *string `json:"UserMobile"`
	UserName   *string `json:"UserName"`
	StartTime  *string `json:"StartTime"`
	EndTime    *string `json:"EndTime"`
	PayFee     *int64  `json:"PayFee"`
	EntryRight *flag   `json:"EntryRight"` // ReservationSyncV2 only
	ExitRight  *flag   `json:"ExitRight"`  // ReservationSyncV2 only
}

type orderResult struct {
	ParkCode      string `json:"parkCode"`
	OrderNo       string `json:"orderNo"`
	OrderType     string `json:"orderType"`
	CarNo         string `json:"carNo"`
	UserMobile    string `json:"userMobile,omitempty"`
	UserName      string `json:"userName"`
	StartTime     string `json:"startTime"`
	EndTime       string `json:"endTime"`
	PayFee        int64  `json:"payFee"`
	EntryRight    int    `json:"entryRight"`
	ExitRight     int    `json:"exitRight"`
	State         string `json:"state"`
	TerminateTime string `json:"terminateTime"`
	Repeated      *bool  `json:"repeated,omitempty"` // syncs only: the same order was already there
}

func orderOf(l *park.Lot, r *park.Reservation) orderResult {
	out := orderResult{
		ParkCode: l.Code, OrderNo: r.OrderNo, OrderType: orderTypes[r.Kind], CarNo: r.Plate, UserMobile: r.Mobile,
		UserName: r.UserName, StartTime: localTime(r.From, l), EndTime: localTime(r.To, l), PayFee: fen(r.Prepaid),
		EntryRight: bit(r.MayEnter), ExitRight: bit(r.MayExit), State: r.State,
	}
	if r.TerminatedAt != nil {
		out.TerminateTime = localTime(*r.TerminatedAt, l)
	}
	return out
}

func bit(b bool) int {
	if b {
		return 1
	}
	return 0
}

// orderFields names the core's fields as partners send them.
var orderFields = map[string]string{
	"order_no": "OrderNo", "plate": "CarNo", "mobile": "UserMobile", "user_name": "UserName",
	"from": "StartTime", "to": "EndTime", "prepaid": "PayFee", "kind": "OrderType",
}

// orderError renames the field of a core refusal and words the common
// ones in Chinese.
func orderError(err error) error {
	pe, ok := err.(*park.Error)
	if !ok {
		return err
	}
	f := pe.Field
	if v, ok := orderFields[f]; ok {
		f = v
	}
	msg := pe.Message
	switch {
	case pe.Code == park.ENotFound && pe.Field == "order_no":
		msg = "订单不存在"
	case pe.Code == park.EInvalid && pe.Field == "to" && strings.Contains(msg, "ended"):
		msg = "预约时段已结束"
	case pe.Code == park.EInvalid && pe.Field == "to":
		msg = "结束时间须晚于开始时间，且时段至多366天"
	case pe.Code == park.EConflict && pe.Field == "order_no":
		msg = "订单已完成或已终止，不能再修改"
	case pe.Code == park.EConflict && pe.Field == "plate":
		msg = "车辆已在场内，不能修改车牌"
	}
	return &park.Error{Code: pe.Code, Field: f, Message: msg}
}

// orderPlate parses an order's CarNo: a plate-less car cannot be booked,
// having no identity before it enters.
func orderPlate(s *string) (string, error) {
	if s != nil && plate.IsNoPlate(*s) {
		return "", &park.Error{Code: codePlate, Message: "无牌车不支持预约"}
	}
	p, err := feeCarPlate(s)
	if err != nil {
		return "", err
	}
	if p.Kind == plate.KindNoPlate {
		return "", &park.Error{Code: codePlate, Message: "无牌车不支持预约"}
	}
	return p.Text, nil
}

// shareOrderSync is 共享车预约下单同步: a shared-parking order, with both
// entry and exit rights.
func (h *Handler) shareOrderSync(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	return h.syncOrder(ctx, p, body, park.ReservationShared, false)
}

// reservationSyncV2 is 预约同步接口V2: a reservation with entry and exit
// rights (EntryRight/ExitRight 1 or 0, default 1).
func (h *Handler) reservationSyncV2(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	return h.syncOrder(ctx, p, body, park.ReservationBooking, true)
}

func (h *Handler) syncOrder(ctx context.Context, p *park.Partner, body []byte, kind string, rights bool) (any, int, error) {
	var in orderRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	orderNo, err := required("OrderNo", in.OrderNo.get())
	if err != nil {
		return nil, 0, err
	}
	car, err := orderPlate(in.CarNo)
	if err != nil {
		return nil, 0, err
	}
	from, err := parseTime("StartTime", in.StartTime, l)
	if err != nil {
		return nil, 0, err
	}
	to, err := parseTime("EndTime", in.EndTime, l)
	if err != nil {
		return nil, 0, err
	}
	r := access.ReservationInput{
		PartnerID: p.ID, LotCode: l.Code, OrderNo: orderNo, Kind: kind, Plate: car,
		Mobile: optString(in.UserMobile), UserName: optString(in.UserName), From: from, To: to,
		MayEnter: true, MayExit: true,
	}
	if in.PayFee != nil {
		r.Prepaid = minorFromFen(*in.PayFee)
	}
	if rights {
		if in.EntryRight != nil {
			r.MayEnter = bool(*in.EntryRight)
		}
		if in.ExitRight != nil {
			r.MayExit = bool(*in.ExitRight)
		}
	}
	res, changed, err := h.svc.Access.SyncReservation(ctx, r)
	if err != nil {
		return nil, 0, orderError(err)
	}
	out := orderOf(l, res)
	repeated := !changed
	out.Repeated = &repeated
	return out, 1, nil
}

// shareOrderTerminate is 共享车预约终止: the order ends now; a car inside
// pays the lot's tariff from now on.
func (h *Handler) shareOrderTerminate(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in orderRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	orderNo, err := required("OrderNo", in.OrderNo.get())
	if err != nil {
		return nil, 0, err
	}
	r, err := h.svc.Access.TerminateReservation(ctx, p.ID, l.Code, orderNo)
	if err != nil {
		return nil, 0, orderError(err)
	}
	return orderOf(l, r), 1, nil
}

// shareQueryUser is 共享预约车查询用户数据: the partner's orders in the lot
// by OrderNo, else by CarNo and/or UserMobile, latest window first.
func (h *Handler) shareQueryUser(ctx context.Context, p *park.Partner, body []byte) (any, int, error) {
	var in orderRequest
	if err := decode(body, &in); err != nil {
		return nil, 0, err
	}
	l, err := h.partnerLot(ctx, p, in.ParkCode)
	if err != nil {
		return nil, 0, err
	}
	q := access.ReservationQuery{PartnerID: p.ID, LotCode: l.Code, OrderNo: optString(in.OrderNo.get()), Mobile: optString(in.UserMobile)}
	if in.CarNo != nil && *in.CarNo != "" {
		if q.Plate, err = orderPlate(in.CarNo); err != nil {
			return nil, 0, err
		}
	}
	if q.OrderNo == "" && q.Plate == "" && q.Mobile == "" {
		return nil, 0, &park.Error{Code: codeMissing, Field: "OrderNo", Message: "OrderNo、CarNo、UserMobile 至少填一个"}
	}
	rs, err := h.svc.Access.FindReservations(ctx, q)
	if err != nil {
		return nil, 0, orderError(err)
	}
	out := make([]orderResult, len(rs))
	for i, r := range rs {
		out[i] = orderOf(l, r)
	}
	return out, len(out), nil
}
