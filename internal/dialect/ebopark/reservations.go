package ebopark

import (
	"context"

	"parkd/internal/access"
	"parkd/internal/park"
)

// reservationOps are the shared-parking and reservation operations
// (3.2.6). Orders live in the core, scoped to the partner: a partner sees
// and changes only its own order numbers.
func (h *Handler) reservationOps() map[string]*operation {
	// An order's window is StartTime-EndTime, its user's name at most 64
	// characters, its prepaid amount PayFee.
	fields := map[string]string{"from": "StartTime", "to": "EndTime", "prepaid": "PayFee", "user_name": "UserName"}
	hints := map[park.Code]map[string]string{
		park.EInvalid: {"EndTime": "须晚于 StartTime，时段至多366天，且不能已结束", "UserName": "至多64个字符",
			"CarNo": "无牌车不支持预约", "OrderNo": "应为1-64个半角可见字符"},
		park.ENotFound: {"OrderNo": "订单不存在"},
		park.EConflict: {"OrderNo": "订单已完成或已终止，或该订单号已用于另一种订单（共享停车与预约不能混用），不能再修改",
			"CarNo": "车辆已在场内，不能修改车牌"},
	}
	query := map[park.Code]map[string]string{
		park.EInvalid:  {"OrderNo": "OrderNo、CarNo、UserMobile 至少给一个", "CarNo": "无牌车不支持预约"},
		park.ENotFound: {"OrderNo": "订单不存在"},
	}
	return map[string]*operation{
		"ShareOrderSync":      {run: h.shareOrderSync, fields: fields, hints: hints},
		"ShareOrderTerminate": {run: h.shareOrderTerminate, fields: fields, hints: hints},
		"ShareQueryUser":      {run: h.shareQueryUser, fields: fields, hints: query},
		"ReservationSyncV2":   {run: h.reservationSyncV2, fields: fields, hints: hints},
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
	car, err := carNo(in.CarNo)
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
		return nil, 0, err
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
	code, err := required("ParkCode", in.ParkCode) // the core checks it is the partner's
	if err != nil {
		return nil, 0, err
	}
	orderNo, err := required("OrderNo", in.OrderNo.get())
	if err != nil {
		return nil, 0, err
	}
	r, err := h.svc.Access.TerminateReservation(ctx, p.ID, code, orderNo)
	if err != nil {
		return nil, 0, err
	}
	l, err := h.svc.Gate.LotSettings(ctx, code) // the reply's time zone
	if err != nil {
		return nil, 0, err
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
	code, err := required("ParkCode", in.ParkCode) // the core checks it is the partner's
	if err != nil {
		return nil, 0, err
	}
	q := access.ReservationQuery{PartnerID: p.ID, LotCode: code, OrderNo: optString(in.OrderNo.get()), Mobile: optString(in.UserMobile)}
	if q.Plate, err = optCarNo(in.CarNo); err != nil {
		return nil, 0, err
	}
	rs, err := h.svc.Access.FindReservations(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	l, err := h.svc.Gate.LotSettings(ctx, code) // the reply's time zone
	if err != nil {
		return nil, 0, err
	}
	out := make([]orderResult, len(rs))
	for i, r := range rs {
		out[i] = orderOf(l, r)
	}
	return out, len(out), nil
}
