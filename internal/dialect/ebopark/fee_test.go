package ebopark_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"parkd/internal/device"
	"parkd/internal/dialect/ebopark"
	"parkd/internal/dialect/linkc"
	"parkd/internal/gate"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/park"
	"parkd/internal/system"
)

var temporaryRE = regexp.MustCompile(`临[0-9A-Z]{7}`)

// at returns an env over the same store whose clock reads t.
func (e *env) at(t time.Time) *env {
	svc := system.New(system.Config{Dialects: []string{ebopark.Name, linkc.Name}, Barriers: device.NewMemory(), Store: e.svc.Store, Now: func() time.Time { return t }})
	srv := httpapi.New(httpapi.Config{Service: svc, Metrics: metrics.New(), AdminToken: "admin", Now: func() time.Time { return t }})
	ebopark.New(ebopark.Config{Service: svc}).Mount(srv.Mount)
	return &env{svc: svc, h: srv, ctx: e.ctx}
}

type feeReply struct {
	CarNo        string `json:"carNo"`
	Locator      string `json:"locator"`
	EntryTime    string `json:"entryTime"`
	ParkTime     int64  `json:"parkTime"`
	TotalFee     int64  `json:"totalFee"`
	PaidFee      int64  `json:"paidFee"`
	DeductionFee int64  `json:"deductionFee"`
	PayFee       int64  `json:"payFee"`
	OrderNo      string `json:"orderNo"`
	ExpireTime   string `json:"expireTime"`
	FreeOutTime  string `json:"freeOutTime"`
}

func (e *env) fee(t *testing.T, body string) feeReply {
	t.Helper()
	var f feeReply
	if err := json.Unmarshal(wantState(t, e.call("getProStopWithDeductionV3", body), 0, "成功").Result, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func paysync(order string, fee int64, trade string) string {
	b, _ := json.Marshal(map[string]any{"ParkCode": lotCode, "OrderNo": order, "PayFee": fee,
		"PayType": "WX", "TradeNo": trade, "PayTime": "2026-03-01 10:00:00"})
	return string(b)
}

func (e *env) gate(t *testing.T, id, typ, car string) park.Decision {
	t.Helper()
	d, err := e.svc.Gate.HandleEvent(e.ctx, gate.EventInput{LotCode: lotCode, ID: id, Type: typ, Plate: car,
		Lane: "out-1", At: e.svc.Gate.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (e *env) occupied(t *testing.T) int {
	t.Helper()
	o, err := e.svc.Gate.Occupancy(e.ctx, lotCode)
	if err != nil {
		t.Fatal(err)
	}
	return o.Occupied
}

// The fee query's quote, paid through paysync, opens the exit.
func TestFeeQueryPaySyncOpensExit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fee(t, `{"ParkCode":"140123001","CarNo":"粤b12345"}`)
	// 07:00-10:00 under the tariff: 500 + 4 × 200 = 1300, all due.
	if f.CarNo != "粤B12345" || f.ParkTime != 180 || f.EntryTime != "2026-03-01 07:00:00" || f.PayFee != 1300 ||
		f.TotalFee != f.PayFee+f.PaidFee+f.DeductionFee || f.OrderNo == "" || f.ExpireTime != "2026-03-01 10:05:00" {
		t.Fatalf("fee query: %+v", f)
	}
	// By ticket: the same stay.
	if g := e.fee(t, `{"ParkCode":"140123001","Locator":"`+f.Locator+`"}`); g.CarNo != f.CarNo || g.PayFee != f.PayFee {
		t.Fatalf("by locator: %+v", g)
	}
	if d := e.gate(t, "x-1", park.EventExit, "粤B12345"); d.Decision != park.DecisionHold || d.AmountDue != f.PayFee {
		t.Fatalf("exit before paying: %+v", d)
	}
	r := wantState(t, e.call("paysyncWithDeductionV3", paysync(f.OrderNo, f.PayFee, "T-1")), 0, "成功")
	var p struct {
		PaymentID string `json:"paymentId"`
		PayFee    int64  `json:"payFee"`
		Repeated  bool   `json:"repeated"`
	}
	if err := json.Unmarshal(r.Result, &p); err != nil || p.PayFee != f.PayFee || p.Repeated {
		t.Fatalf("paysync: %s", r.Result)
	}
	// A repeat of the same sync returns the first payment.
	r2 := wantState(t, e.call("paysyncWithDeductionV3", paysync(f.OrderNo, f.PayFee, "T-1")), 0, "成功")
	if !strings.Contains(string(r2.Result), p.PaymentID) || !strings.Contains(string(r2.Result), `"repeated":true`) {
		t.Fatalf("repeat: %s", r2.Result)
	}
	// The same quote under another trade number is already paid.
	wantState(t, e.call("paysyncWithDeductionV3", paysync(f.OrderNo, f.PayFee, "T-2")), -1, "订单已支付")
	// Nothing is due now.
	if g := e.fee(t, `{"ParkCode":"140123001","CarNo":"粤B12345"}`); g.PayFee != 0 || g.OrderNo != "" || g.PaidFee != f.PayFee {
		t.Fatalf("fee after paying: %+v", g)
	}
	if d := e.gate(t, "x-2", park.EventExit, "粤B12345"); d.Decision != park.DecisionOpen || d.Reason != park.ReasonPaid {
		t.Fatalf("exit after paying: %+v", d)
	}
	// The stay has left: the fee query no longer finds it.
	wantState(t, e.call("getProStopWithDeductionV3", `{"ParkCode":"140123001","CarNo":"粤B12345"}`), -1, "未找到")
}

func TestPaySyncRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fee(t, `{"ParkCode":"140123001","CarNo":"粤B12345"}`)
	before := e.snapshot(t)
	for _, c := range []struct{ name, body, desc string }{
		{"WrongAmount", paysync(f.OrderNo, f.PayFee+1, "T-1"), "金额不符 PayFee"},
		{"UnknownOrder", paysync("no-such-order", f.PayFee, "T-1"), "未找到 OrderNo"},
		{"MissingOrder", `{"ParkCode":"140123001","PayFee":1,"PayType":"WX","TradeNo":"T"}`, "缺少参数 OrderNo"},
		{"MissingFee", `{"ParkCode":"140123001","OrderNo":"` + f.OrderNo + `","PayType":"WX","TradeNo":"T"}`, "缺少参数 PayFee"},
		{"MissingTrade", `{"ParkCode":"140123001","OrderNo":"` + f.OrderNo + `","PayFee":1,"PayType":"WX"}`, "缺少参数 TradeNo"},
		{"MissingType", `{"ParkCode":"140123001","OrderNo":"` + f.OrderNo + `","PayFee":1,"TradeNo":"T"}`, "缺少参数 PayType"},
		{"DecimalFee", `{"ParkCode":"140123001","OrderNo":"` + f.OrderNo + `","PayFee":12.5,"PayType":"WX","TradeNo":"T"}`, "参数类型错误 PayFee"},
		{"NegativeFee", paysync(f.OrderNo, -1, "T-1"), "参数错误 PayFee"},
		{"BadPayTime", `{"ParkCode":"140123001","OrderNo":"` + f.OrderNo + `","PayFee":1,"PayType":"WX","TradeNo":"T","PayTime":"yesterday"}`, "参数类型错误 PayTime"},
		{"BadPayType", `{"ParkCode":"140123001","OrderNo":"` + f.OrderNo + `","PayFee":1,"PayType":{},"TradeNo":"T"}`, "参数类型错误 PayType"},
		{"OtherLot", strings.Replace(paysync(f.OrderNo, f.PayFee, "T-1"), lotCode, otherLot, 1), "无权操作该车场"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantState(t, e.call("paysyncWithDeductionV3", c.body), -1, c.desc)
		})
	}
	// Another partner of the same lot cannot pay this partner's quote.
	r := e.post("/partnerService/paysyncWithDeductionV3?partnerid=md5p&sign="+ebopark.Sign([]byte(paysync(f.OrderNo, f.PayFee, "T-1")), md5Secret),
		paysync(f.OrderNo, f.PayFee, "T-1"))
	wantState(t, r, -1, "未找到 OrderNo")
	// Expired: the same quote ten minutes later (TTL 300 s).
	wantState(t, e.at(now.Add(10*time.Minute)).call("paysyncWithDeductionV3", paysync(f.OrderNo, f.PayFee, "T-1")), -1, "订单已过期")
	if e.snapshot(t) != before {
		t.Fatal("a refused payment changed data")
	}
	// Settled: a second quote of the stay, then the first is paid.
	g := e.fee(t, `{"ParkCode":"140123001","CarNo":"粤B12345"}`)
	wantState(t, e.call("paysyncWithDeductionV3", paysync(f.OrderNo, f.PayFee, "T-1")), 0, "成功")
	wantState(t, e.call("paysyncWithDeductionV3", paysync(g.OrderNo, g.PayFee, "T-2")), -1, "无需缴费")
	k := e.fee(t, `{"ParkCode":"140123001","CarNo":"苏E6X789"}`)
	if k.OrderNo == "" {
		t.Fatalf("苏E6X789 owes nothing: %+v", k)
	}
	// The trade number of a payment reused for another order.
	wantState(t, e.call("paysyncWithDeductionV3", paysync(k.OrderNo, k.PayFee, "T-1")), -1, "订单号重复 TradeNo")
	// Closed: the car is removed before its quote is paid.
	wantState(t, e.call("DeleteInParkCar", `{"ParkCode":"140123001","CarNo":"苏E6X789"}`), 0, "成功")
	wantState(t, e.call("paysyncWithDeductionV3", paysync(k.OrderNo, k.PayFee, "T-3")), -1, "车辆已出场")
}

func TestFeeQueryRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.snapshot(t)
	for _, c := range []struct{ name, body, desc string }{
		{"MissingCar", `{"ParkCode":"140123001"}`, "缺少参数 CarNo"},
		{"MissingLot", `{"CarNo":"粤B12345"}`, "缺少参数 ParkCode"},
		{"BadPlate", `{"ParkCode":"140123001","CarNo":"hello"}`, "车牌号格式错误"},
		{"NoPlateWord", `{"ParkCode":"140123001","CarNo":"无牌车"}`, "车牌号格式错误"},
		{"Both", `{"ParkCode":"140123001","CarNo":"粤B12345","Locator":"1"}`, "参数错误 Locator：应为1-32位字母或数字，且不能与 CarNo 同时给出"},
		{"BadLocator", `{"ParkCode":"140123001","Locator":"12-34"}`, "参数错误 Locator"},
		{"NotInside", `{"ParkCode":"140123001","CarNo":"京A99999"}`, "未找到"},
		{"UnknownLocator", `{"ParkCode":"140123001","Locator":"0000000000"}`, "未找到"},
		{"OtherLot", `{"ParkCode":"140123002","CarNo":"粤B12345"}`, "无权操作该车场"},
		{"CarNoType", `{"ParkCode":"140123001","CarNo":5}`, "参数类型错误 CarNo"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantState(t, e.call("getProStopWithDeductionV3", c.body), -1, c.desc)
		})
	}
	if e.snapshot(t) != before {
		t.Fatal("a refused fee query changed data")
	}
}

// A plate-less car enters with a temporary identity, is listed inside,
// and leaves with it.
func TestNoPlateCarEntry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	occ := e.occupied(t)
	body := `{"ParkCode":"140123001","ChannelId":"in-1","OpenId":"o-123","RequestId":"req-1"}`
	r := wantState(t, e.call("NoPlateCarEntry", body), 0, "成功")
	var res struct {
		CarNo, Locator, EntryTime, ChannelID string
	}
	if err := json.Unmarshal(r.Result, &res); err != nil || !temporaryRE.MatchString(res.CarNo) ||
		res.EntryTime != "2026-03-01 10:00:00" || res.Locator == "" || res.ChannelID != "in-1" {
		t.Fatalf("entry: %s", r.Result)
	}
	if got := e.occupied(t); got != occ+1 {
		t.Fatalf("occupied %d, want %d", got, occ+1)
	}
	// The same request again: the same car, no second entry.
	if r2 := wantState(t, e.call("NoPlateCarEntry", body), 0, "成功"); string(r2.Result) != string(r.Result) {
		t.Fatalf("repeat: %s, first %s", r2.Result, r.Result)
	}
	if got := e.occupied(t); got != occ+1 {
		t.Fatalf("occupied %d after a repeat, want %d", got, occ+1)
	}
	inside := wantState(t, e.call("QueryInParkCars", `{"ParkCode":"140123001"}`), 0, "成功")
	if !strings.Contains(string(inside.Result), res.CarNo) {
		t.Fatalf("%s not inside: %s", res.CarNo, inside.Result)
	}
	// The fee query finds it by its identity; within the free minutes
	// nothing is due and it leaves.
	if f := e.fee(t, `{"ParkCode":"140123001","CarNo":"`+res.CarNo+`"}`); f.CarNo != res.CarNo || f.PayFee != 0 {
		t.Fatalf("fee of the plate-less car: %+v", f)
	}
	later := e.at(now.Add(10 * time.Minute))
	if d := later.gate(t, "np-exit", park.EventExit, res.CarNo); d.Decision != park.DecisionOpen {
		t.Fatalf("exit: %+v", d)
	}
	if got := e.occupied(t); got != occ {
		t.Fatalf("occupied %d after leaving, want %d", got, occ)
	}
	// Without RequestId every request is a new car.
	a := wantState(t, e.call("NoPlateCarEntry", `{"ParkCode":"140123001","ChannelId":"in-1"}`), 0, "成功")
	b := wantState(t, e.call("NoPlateCarEntry", `{"ParkCode":"140123001","ChannelId":"in-1"}`), 0, "成功")
	if string(a.Result) == string(b.Result) {
		t.Fatal("two requests without RequestId made one entry")
	}
}

func TestNoPlateCarEntryRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// An exit lane, as its camera reported it (an exit with no stay).
	if _, err := e.svc.Gate.HandleEvent(e.ctx, gate.EventInput{LotCode: lotCode, ID: "cam-out-1", Type: park.EventExit,
		Plate: "粤Z00001", Lane: "out-1", At: now}); err != nil {
		t.Fatal(err)
	}
	// A second entry lane, and a plate-less entry through in-1 whose
	// RequestId is then sent for in-2.
	if _, err := e.svc.Gate.HandleEvent(e.ctx, gate.EventInput{LotCode: lotCode, ID: "cam-in-2", Type: park.EventEntry,
		Plate: "粤Z00002", Lane: "in-2", At: now}); err != nil {
		t.Fatal(err)
	}
	wantState(t, e.call("NoPlateCarEntry", `{"ParkCode":"140123001","ChannelId":"in-1","RequestId":"req-9"}`), 0, "成功")
	before := e.snapshot(t)
	for _, c := range []struct{ name, body, desc string }{
		{"MissingChannel", `{"ParkCode":"140123001"}`, "缺少参数 ChannelId"},
		{"UnknownChannel", `{"ParkCode":"140123001","ChannelId":"nosuch-9"}`, "未找到 ChannelId：该车场没有此通道"},
		{"ExitChannel", `{"ParkCode":"140123001","ChannelId":"out-1"}`, "参数错误 ChannelId：应为本车场的入口通道（本车场相机上报的通道编号，至多64字节）"},
		{"UnnamedChannel", `{"ParkCode":"140123001","ChannelId":"in 2"}`, "未找到 ChannelId"},
		{"BadRequestId", `{"ParkCode":"140123001","ChannelId":"in-1","RequestId":"a b"}`, "参数错误 RequestId"},
		{"RequestIdOfAnotherChannel", `{"ParkCode":"140123001","ChannelId":"in-2","RequestId":"req-9"}`,
			"数据冲突 RequestId：该RequestId已用于另一通道的无牌车入场，另一次入场请使用新的RequestId"},
		{"OtherLot", `{"ParkCode":"140123002","ChannelId":"in-1"}`, "无权操作该车场"},
		{"NotObject", `[]`, "请求体不是JSON对象"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantState(t, e.call("NoPlateCarEntry", c.body), -1, c.desc)
		})
	}
	if e.snapshot(t) != before {
		t.Fatal("a refused entry changed data")
	}
	// A full lot holds the car: nothing is recorded as inside.
	if _, err := e.svc.Gate.UpdateLot(e.ctx, lotCode, func(l *park.Lot) error { l.Capacity = 3; return nil }); err != nil {
		t.Fatal(err)
	}
	occ := e.occupied(t)
	wantState(t, e.call("NoPlateCarEntry", `{"ParkCode":"140123001","ChannelId":"in-1"}`), -1, "车场已满")
	if got := e.occupied(t); got != occ {
		t.Fatalf("occupied %d after a held entry, want %d", got, occ)
	}
}

// A removed car is no longer inside and frees its space.
func TestDeleteInParkCar(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	occ := e.occupied(t)
	wantState(t, e.call("DeleteInParkCar", `{"ParkCode":"140123001","CarNo":"粤B12345","Reason":"towed"}`), 0, "成功")
	if got := e.occupied(t); got != occ-1 {
		t.Fatalf("occupied %d, want %d", got, occ-1)
	}
	inside := wantState(t, e.call("QueryInParkCars", `{"ParkCode":"140123001"}`), 0, "成功")
	if strings.Contains(string(inside.Result), "粤B12345") {
		t.Fatalf("still inside: %s", inside.Result)
	}
	ss, err := e.svc.Gate.ListStays(e.ctx, gate.StayQuery{LotCode: lotCode})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		if s.Plate == "粤B12345" && (s.State != park.StayOut || s.Anomaly != gate.AnomalyRemoved) {
			t.Fatalf("stay after removal: %+v", s)
		}
	}
	// A car inside the other partner's lot, which this partner may not remove.
	if _, err := e.svc.Gate.HandleEvent(e.ctx, gate.EventInput{LotCode: otherLot, ID: "cam-other-1", Type: park.EventEntry,
		Plate: "苏E6X789", Lane: "in-1", At: now}); err != nil {
		t.Fatal(err)
	}
	before := e.snapshot(t)
	for _, c := range []struct{ name, body, desc string }{
		{"Again", `{"ParkCode":"140123001","CarNo":"粤B12345"}`, "未找到"},
		{"MissingCar", `{"ParkCode":"140123001"}`, "缺少参数 CarNo"},
		{"BadPlate", `{"ParkCode":"140123001","CarNo":"x"}`, "车牌号格式错误"},
		{"LongReason", `{"ParkCode":"140123001","CarNo":"苏E6X789","Reason":"` + strings.Repeat("长", 257) + `"}`, "参数错误 Reason：至多256个字符"},
		{"OtherLot", `{"ParkCode":"140123002","CarNo":"苏E6X789"}`, "无权操作该车场"},
	} {
		t.Run(c.name, func(t *testing.T) {
			wantState(t, e.call("DeleteInParkCar", c.body), -1, c.desc)
		})
	}
	if e.snapshot(t) != before {
		t.Fatal("a refused removal changed data")
	}
	// The core's bound, 256 characters, is the partner's too.
	wantState(t, e.call("DeleteInParkCar", `{"ParkCode":"140123001","CarNo":"苏E6X789","Reason":"`+strings.Repeat("长", 256)+`"}`), 0, "成功")
	if got := e.occupied(t); got != occ-2 {
		t.Fatalf("occupied %d, want %d", got, occ-2)
	}
}

// TestFeeQueryFreeOutTimeInFreeMinutes: a car still inside the tariff's 15
// free minutes is told when they end, not the query time. 粤C55555 in at
// 09:55, queried at 10:00: a stay of at most 15:00 is free and past it is
// billed from entry, so it may leave free until 09:55 + 15 min = 10:10:00,
// in Ebopark's "yyyy-MM-dd HH:mm:ss" Beijing time.
func TestFeeQueryFreeOutTimeInFreeMinutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, err := e.svc.Gate.HandleEvent(e.ctx, gate.EventInput{LotCode: lotCode, ID: "free-1", Type: park.EventEntry,
		Plate: "粤C55555", Lane: "in-1", At: now.Add(-5 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	var f struct {
		PayFee      int64  `json:"payFee"`
		OrderNo     string `json:"orderNo"`
		FreeOutTime string `json:"freeOutTime"`
	}
	r := wantState(t, e.call("getProStopWithDeductionV3", `{"ParkCode":"140123001","CarNo":"粤C55555"}`), 0, "成功")
	if err := json.Unmarshal(r.Result, &f); err != nil {
		t.Fatal(err)
	}
	if f.PayFee != 0 || f.OrderNo != "" || f.FreeOutTime != "2026-03-01 10:10:00" {
		t.Fatalf("fee query: %s, want payFee 0, no orderNo, freeOutTime 2026-03-01 10:10:00", r.Result)
	}
}

// TestPaySyncFreeOutTimeIsTheFeeQuerys: paysync's freeOutTime is what a fee
// query at the same instant says. 粤C66666 in at 09:40, queried and paid at
// 10:00: 20 minutes are past the 15 free ones and billed from entry, the
// first 60 minutes 500. The payment's own grace ends 10:00 + 15 min =
// 10:15, but the 500 paid the whole first hour: up to 10:40:00 (09:40 +
// 60 min) the stay costs 500, paid; at 10:40:01 a started 30 minutes of
// the day band (200) is due. Both say 2026-03-01 10:40:00, Beijing time.
func TestPaySyncFreeOutTimeIsTheFeeQuerys(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, err := e.svc.Gate.HandleEvent(e.ctx, gate.EventInput{LotCode: lotCode, ID: "paid-1", Type: park.EventEntry,
		Plate: "粤C66666", Lane: "in-1", At: now.Add(-20 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	f := e.fee(t, `{"ParkCode":"140123001","CarNo":"粤C66666"}`)
	if f.PayFee != 500 {
		t.Fatalf("fee query: %+v, want payFee 500 (the first hour)", f)
	}
	var p struct {
		PayTime     string `json:"payTime"`
		FreeOutTime string `json:"freeOutTime"`
	}
	r := wantState(t, e.call("paysyncWithDeductionV3", paysync(f.OrderNo, f.PayFee, "T-66")), 0, "成功")
	if err := json.Unmarshal(r.Result, &p); err != nil {
		t.Fatal(err)
	}
	if p.PayTime != "2026-03-01 10:00:00" || p.FreeOutTime != "2026-03-01 10:40:00" {
		t.Fatalf("paysync: %s, want payTime 2026-03-01 10:00:00 and freeOutTime 2026-03-01 10:40:00", r.Result)
	}
	if g := e.fee(t, `{"ParkCode":"140123001","CarNo":"粤C66666"}`); g.PayFee != 0 || g.FreeOutTime != p.FreeOutTime {
		t.Fatalf("fee query after paying: %+v, want payFee 0 and paysync's freeOutTime %s", g, p.FreeOutTime)
	}
}
