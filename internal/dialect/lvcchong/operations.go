package lvcchong

import (
	"math"
	"net/url"
	"strings"
	"time"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// pageParams reads pageNum and pageSize (default 1 and 10): the last
// page an app may ask for is the one that starts at the core's furthest
// offset, so its bound depends on the size.
func pageParams(form url.Values) (num, size int64, err error) {
	if size, err = intParam(form, "pageSize", 1, charging.MaxListLimit, 10); err != nil {
		return 0, 0, err
	}
	num, err = intParam(form, "pageNum", 1, charging.MaxListOffset/size+1, 1)
	return num, size, err
}

// getPriceStandard lists standards as the seed shows them.
func (h *Handler) getPriceStandard(req *request) (any, error) {
	family, err := intParam(req.form, "deviceFamily", 0, 1, -1)
	if err != nil {
		return nil, err
	}
	num, size, err := pageParams(req.form)
	if err != nil {
		return nil, err
	}
	pg, err := h.svc.Charging.Standards(req.ctx, park.PriceStandardFilter{Name: req.form.Get("name"), Family: int(family),
		Limit: int(size)}, int((num-1)*size))
	if err != nil {
		return nil, err
	}
	use, err := h.svc.Charging.StandardUse(req.ctx, req.app.ID)
	if err != nil {
		return nil, err
	}
	list := make([]*PriceStandard, 0, len(pg.Standards))
	for _, p := range pg.Standards {
		d, err := Document(p)
		if err != nil {
			return nil, err
		}
		d.DeviceAssociateCount = use[p.ID]
		list = append(list, d)
	}
	return map[string]any{"page": newPage(pg.Total, int(size), int(num)), "list": list}, nil
}

// Document writes a stored standard as the vendor's document.
func Document(p *park.PriceStandard) (*PriceStandard, error) {
	st, err := charging.Standard(p.Rules)
	if err != nil {
		return nil, err
	}
	d, err := FromStandard(st)
	if err != nil {
		return nil, err
	}
	d.ID, d.Name, d.Remark, d.DeviceFamily = p.ID, p.Name, p.Remark, p.Family
	d.OwnerID, d.CreateUserID, d.DeviceType = p.Owner, p.CreatedBy, p.DeviceTypes
	d.ViewType = map[string]int{"time": 1, "money": 2, "energy": 3}[p.Display]
	for i := range d.Segments {
		d.Segments[i].ID = int64(i + 1)
		d.Segments[i].PriceStandardID = p.ID
	}
	return d, nil
}

// Import translates a vendor document into a standard to store, keeping
// its id, name, remark, family, display and bookkeeping.
func Import(doc []byte) (charging.StandardInput, error) {
	d, err := DecodePriceStandard(doc)
	if err != nil {
		return charging.StandardInput{}, err
	}
	st, err := d.Standard()
	if err != nil {
		return charging.StandardInput{}, err
	}
	rules, err := charging.Rules(st)
	if err != nil {
		return charging.StandardInput{}, err
	}
	return charging.StandardInput{ID: d.ID, Name: d.Name, Family: d.DeviceFamily, Remark: d.Remark, Rules: rules,
		Display: [...]string{1: "time", 2: "money", 3: "energy"}[d.ViewType], Owner: d.OwnerID, CreatedBy: d.CreateUserID,
		DeviceTypes: d.DeviceType}, nil
}

// Port states in deviceStatus (parkd's choice; docs/charging.md), from
// the core's port states.
var portStates = map[string]int{charging.PortFree: 0, charging.PortBusy: 1, charging.PortFault: 2, charging.PortOffline: 3}

// deviceStatus tells a device's state and its ports'.
func (h *Handler) deviceStatus(req *request) (any, error) {
	if !h.lim.allow(req.app.ID, h.svc.Partners.Now()) {
		return nil, apiErr(codeOther, "调用过于频繁：每60秒最多60次")
	}
	id, qcode := req.form.Get("deviceId"), req.form.Get("qcode")
	switch {
	case id == "":
		id = qcode
	case qcode != "" && qcode != id:
		// Two devices named: answering one would tell the app of the wrong one.
		return nil, paramErr("deviceId与qcode不一致，请只传其中一个")
	}
	if id == "" {
		return nil, paramErr("缺少参数deviceId或qcode")
	}
	c, err := h.svc.Charging.ChargerFor(req.ctx, req.app.ID, id)
	if err != nil {
		return nil, err
	}
	states, err := h.svc.Charging.PortStates(req.ctx, c)
	if err != nil {
		return nil, err
	}
	ports := make([]map[string]any, len(states))
	for i, p := range states {
		ports[i] = map[string]any{"portNum": p.Connector, "status": portStates[p.State]}
	}
	online := 0
	if c.Online && c.Retired == nil {
		online = 1
	}
	return map[string]any{"deviceId": c.ID, "deviceFamily": c.Family, "deviceType": c.Type, "portCount": c.Connectors,
		"online": online, "usable": b2i(c.Availability == park.ChargerOperative && c.Retired == nil), "ports": ports}, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// charge starts charging: payMoney in fen, workTime in minutes.
func (h *Handler) charge(req *request) (any, error) {
	dev, err := required(req.form, "deviceId")
	if err != nil {
		return nil, err
	}
	// Any positive port goes to the core, which names the device's own
	// range (参数portNum必须在1到10之间 for a 10-port cabinet); only a port
	// no device has is refused here.
	port, err := intParam(req.form, "portNum", 1, math.MaxInt32, 0)
	if err != nil || port == 0 {
		return nil, paramErr("参数portNum必须是正整数")
	}
	// Sent empty, the amount was meant and not filled in: read as none,
	// a balance standard would bill by use with no cap.
	if v, ok := req.form["payMoney"]; ok && strings.TrimSpace(v[0]) == "" {
		return nil, paramErr("参数payMoney不能为空，不预付请不要传此参数")
	}
	pay, err := intParam(req.form, "payMoney", 0, park.MaxAmount, 0)
	if err != nil {
		return nil, err
	}
	work, err := intParam(req.form, "workTime", 0, 7*24*60, 0)
	if err != nil {
		return nil, err
	}
	sess, err := h.svc.Charging.StartSession(req.ctx, charging.StartInput{ChargerID: dev, Connector: int(port), Prepaid: pay,
		LimitMinutes: int(work), Source: park.SourcePartner, PartnerID: req.app.ID})
	if err != nil {
		return nil, err
	}
	return map[string]any{"orderNum": sess.ID, "status": orderStatus(sess)}, nil
}

// stopCharge stops an order of the app.
func (h *Handler) stopCharge(req *request) (any, error) {
	id, err := required(req.form, "orderNum")
	if err != nil {
		return nil, err
	}
	sess, err := h.svc.Charging.StopSession(req.ctx, id, req.app.ID)
	if err != nil {
		return nil, err
	}
	return map[string]any{"orderNum": sess.ID, "status": orderStatus(sess)}, nil
}

// Order statuses (the vendor's): 0 unpaid, 1 paid and not charging, 2
// charging, 3 normal end, 4 abnormal end, 5 superposition end. parkd takes
// no order unpaid and does not superpose orders, so 0 and 5 never occur.
// Normal and abnormal ends are the core's session outcomes.
func orderStatus(s *park.ChargeSession) int {
	switch {
	case s.Status == park.SessionPending:
		return 1
	case s.Status == park.SessionCharging:
		return 2
	case s.Outcome() == park.OutcomeNormal:
		return 3
	}
	return 4
}

// statusFilter selects the orders of a status: a session status or an
// outcome. 0 and 5 name no session parkd keeps, so they select none.
var statusFilter = map[string]park.ChargeSessionFilter{"0": {Status: "unpaid"}, "5": {Status: "superposed"},
	"1": {Status: park.SessionPending}, "2": {Status: park.SessionCharging}, "3": {Outcome: park.OutcomeNormal},
	"4": {Outcome: park.OutcomeAbnormal}}

func ms(t *time.Time) int64 {
	if t == nil {
		return 0
	}
	return t.UnixMilli()
}

// Order is one order as queryChargeOrder and the end-of-charge callback
// show it.
type Order struct {
	OrderNum           string `json:"orderNum"`
	DeviceID           string `json:"deviceId"`
	PortNum            int    `json:"portNum"`
	Status             int    `json:"status"`
	PayPrice           int64  `json:"payPrice"`           // fen paid before charging
	TotalPrice         int64  `json:"totalPrice"`         // fen billed
	TotalElectricMoney int64  `json:"totalElectricMoney"` // fen of electricity
	TotalServiceFee    int64  `json:"totalServiceFee"`    // fen of service
	RefundMoney        int64  `json:"refundMoney"`
	RefundType         int    `json:"refundType"` // 0 balance, 1 original payment
	ElectricQuantity   int64  `json:"electricQuantity"`
	StartTime          int64  `json:"startTime"` // ms
	EndTime            int64  `json:"endTime"`   // ms, 0 while open
	UpdateTime         int64  `json:"updateTime"`
	EndReason          int    `json:"endReason"`
	WorkTime           int    `json:"workTime"`
}

// OrderOf writes a session as the vendor's order.
func OrderOf(s *park.ChargeSession) Order {
	o := Order{OrderNum: s.ID, DeviceID: s.ChargerID, PortNum: s.Connector, Status: orderStatus(s), PayPrice: s.Prepaid,
		TotalPrice: s.Amount, TotalElectricMoney: s.Electricity, TotalServiceFee: s.Service, RefundMoney: s.Refund,
		ElectricQuantity: s.EnergyWh, StartTime: ms(s.StartedAt), EndTime: ms(s.EndedAt), UpdateTime: s.UpdatedAt.UnixMilli(),
		EndReason: s.EndReason, WorkTime: s.LimitMinutes}
	if s.RefundTo == "payment" {
		o.RefundType = 1
	}
	return o
}

// queryChargeOrder lists the app's orders.
func (h *Handler) queryChargeOrder(req *request) (any, error) {
	num, size, err := pageParams(req.form)
	if err != nil {
		return nil, err
	}
	if id := req.form.Get("orderNum"); id != "" {
		s, err := h.svc.Charging.PartnerSession(req.ctx, id, req.app.ID)
		if park.IsCode(err, park.ENotFound) {
			return map[string]any{"page": newPage(0, int(size), int(num)), "list": []Order{}}, nil
		}
		if err != nil {
			return nil, err
		}
		return map[string]any{"page": newPage(1, int(size), int(num)), "list": []Order{OrderOf(s)}}, nil
	}
	f := park.ChargeSessionFilter{PartnerID: req.app.ID, ChargerID: req.form.Get("deviceId"), Limit: int(size)}
	if st := req.form.Get("status"); st != "" {
		sf, ok := statusFilter[st]
		if !ok {
			return nil, paramErr("参数status必须是0到5之间的整数")
		}
		f.Status, f.Outcome = sf.Status, sf.Outcome
	}
	from, err := intParam(req.form, "startTime", 0, 1<<50, 0)
	if err != nil {
		return nil, err
	}
	to, err := intParam(req.form, "endTime", 0, 1<<50, 0)
	if err != nil {
		return nil, err
	}
	if from > 0 {
		f.UpdatedFrom = time.UnixMilli(from).UTC()
	}
	if to > 0 {
		f.UpdatedTo = time.UnixMilli(to).UTC()
	}
	pg, err := h.svc.Charging.Sessions(req.ctx, f, int((num-1)*size))
	if err != nil {
		return nil, err
	}
	list := make([]Order, 0, len(pg.Sessions))
	for _, s := range pg.Sessions {
		list = append(list, OrderOf(s))
	}
	return map[string]any{"page": newPage(pg.Total, int(size), int(num)), "list": list}, nil
}
