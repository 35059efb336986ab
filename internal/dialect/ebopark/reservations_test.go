package ebopark_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"parkd/internal/access"
	"parkd/internal/gate"
	"parkd/internal/park"
)

// asOther sends op as partner other (static sign "o"), on lot 140123002.
func (e *env) asOther(op, body string) reply {
	return e.post("/partnerService/"+op+"?partnerid=other&sign=o", body)
}

var otherEventSeq int

// otherEvent runs a lane event of lot 140123002 through e's core.
func (e *env) otherEvent(t *testing.T, typ, plateText string, at time.Time) park.Decision {
	t.Helper()
	otherEventSeq++
	lane := map[string]string{park.EventEntry: "in-1", park.EventExit: "out-1"}[typ]
	d, err := e.svc.Gate.HandleEvent(e.ctx, gate.EventInput{LotCode: otherLot, ID: fmt.Sprintf("%s-%d", t.Name(), otherEventSeq),
		Type: typ, Plate: plateText, Lane: lane, At: at})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func wantGate(t *testing.T, d park.Decision, decision, reason string, due int64) {
	t.Helper()
	if d.Decision != decision || d.Reason != reason || d.AmountDue != due {
		t.Fatalf("decision %s/%s due %d, want %s/%s due %d", d.Decision, d.Reason, d.AmountDue, decision, reason, due)
	}
}

func order(no, car, start, end, extra string) string {
	return fmt.Sprintf(`{"ParkCode":"140123002","OrderNo":%q,"CarNo":%q,"UserMobile":"13800138000","UserName":"王芳",
		"StartTime":%q,"EndTime":%q,"PayFee":2000%s}`, no, car, start, end, extra)
}

// TestReservationsInTheCore: reserved cars enter lot 140123002 while it is
// full and a visitor is refused; a stay inside its prepaid window leaves
// free; the exit right of ReservationSyncV2 holds a car until granted;
// overtime and time after a termination are charged by the fixtures' tariff.
func TestReservationsInTheCore(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// 10 visitors fill the 10 spaces at 09:00 (now is 10:00).
	for i := range 10 {
		wantGate(t, e.otherEvent(t, park.EventEntry, fmt.Sprintf("苏A0000%d", i), now.Add(-time.Hour)), park.DecisionOpen, park.ReasonVisitor, 0)
	}
	wantState(t, e.asOther("ShareOrderSync", order("SO-A", "浙A11111", "2026-03-01 09:30:00", "2026-03-01 12:00:00", "")), 0, "成功")
	wantState(t, e.asOther("ReservationSyncV2", order("RS-B", "浙B22222", "2026-03-01 09:30:00", "2026-03-01 12:00:00", `,"ExitRight":0`)), 0, "成功")
	wantState(t, e.asOther("ShareOrderSync", order("SO-C", "浙C33333", "2026-03-01 09:30:00", "2026-03-01 14:00:00", "")), 0, "成功")

	wantGate(t, e.otherEvent(t, park.EventEntry, "浙D44444", now), park.DecisionHold, park.ReasonLotFull, 0)
	for _, car := range []string{"浙A11111", "浙B22222", "浙C33333"} {
		wantGate(t, e.otherEvent(t, park.EventEntry, car, now), park.DecisionOpen, park.ReasonReservation, 0)
	}
	var q []struct {
		OrderNo string `json:"orderNo"`
		State   string `json:"state"`
		PayFee  int64  `json:"payFee"`
	}
	env := wantState(t, e.asOther("ShareQueryUser", `{"ParkCode":"140123002","UserMobile":"13800138000"}`), 0, "成功")
	result(t, env, &q)
	if env.Total != 3 || len(q) != 3 || q[0].OrderNo != "SO-C" || q[0].State != "inside" || q[0].PayFee != 2000 {
		t.Fatalf("orders %s", env.Result)
	}

	// A: 10:00-11:50 inside its 09:30-12:00 window: free. A visitor would
	// pay 500 (first hour) + 2 × 200 (two started half hours) = 900.
	at1150 := e.at(now.Add(110 * time.Minute))
	wantGate(t, at1150.otherEvent(t, park.EventExit, "浙A11111", now.Add(110*time.Minute)), park.DecisionOpen, park.ReasonReservation, 0)

	// B has no exit right: held until ReservationSyncV2 grants it.
	at11 := e.at(now.Add(time.Hour))
	wantGate(t, at11.otherEvent(t, park.EventExit, "浙B22222", now.Add(time.Hour)), park.DecisionHold, park.ReasonNoExitRight, 0)
	wantState(t, at11.asOther("ReservationSyncV2", order("RS-B", "浙B22222", "2026-03-01 09:30:00", "2026-03-01 12:00:00", `,"ExitRight":1`)), 0, "成功")
	// B leaves at 12:40: only 12:00-12:40 is billed, the tariff's first
	// block (60 minutes, 500).
	at1240 := e.at(now.Add(160 * time.Minute))
	wantGate(t, at1240.otherEvent(t, park.EventExit, "浙B22222", now.Add(160*time.Minute)), park.DecisionHold, park.ReasonPaymentRequired, 500)

	// C's order is terminated at 11:00: 11:00-11:50 is billed, again the
	// first block, 500, although its window ran to 14:00.
	env = wantState(t, at11.asOther("ShareOrderTerminate", `{"ParkCode":"140123002","OrderNo":"SO-C"}`), 0, "成功")
	var term struct {
		State         string `json:"state"`
		TerminateTime string `json:"terminateTime"`
	}
	result(t, env, &term)
	if term.State != "terminated" || term.TerminateTime != "2026-03-01 11:00:00" {
		t.Fatalf("terminated %s", env.Result)
	}
	wantGate(t, at1150.otherEvent(t, park.EventExit, "浙C33333", now.Add(110*time.Minute)), park.DecisionHold, park.ReasonPaymentRequired, 500)

	result(t, wantState(t, at1150.asOther("ShareQueryUser", `{"ParkCode":"140123002","CarNo":"浙A11111"}`), 0, "成功"), &q)
	if len(q) != 1 || q[0].State != "done" {
		t.Fatalf("A after leaving: %+v", q)
	}
}

// TestReservationRefusals: every bad request is state -1 with a desc that
// names the field, and stores nothing.
func TestReservationRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	good := map[string]any{"ParkCode": "140123001", "OrderNo": "SO-1", "CarNo": "浙B12345", "UserMobile": "13800138000",
		"StartTime": "2026-03-01 12:00:00", "EndTime": "2026-03-01 18:00:00", "PayFee": 3000}
	with := func(k string, v any) string {
		m := map[string]any{}
		for a, b := range good {
			m[a] = b
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return mustJSON(m)
	}
	orders := func() int {
		rs, err := e.svc.Access.FindReservations(e.ctx, access.ReservationQuery{PartnerID: "test", LotCode: lotCode, Mobile: "13800138000"})
		if err != nil {
			t.Fatal(err)
		}
		return len(rs)
	}
	before := e.snapshot(t)
	for _, c := range []struct{ op, body, desc string }{
		{"ShareOrderSync", with("OrderNo", nil), "缺少参数 OrderNo"},
		{"ShareOrderSync", with("CarNo", nil), "缺少参数 CarNo"},
		{"ShareOrderSync", with("StartTime", nil), "缺少参数 StartTime"},
		{"ShareOrderSync", with("StartTime", "2026/03/01 12:00"), "参数类型错误 StartTime"},
		{"ShareOrderSync", with("EndTime", "2026-03-01 11:00:00"), "参数错误 EndTime：须晚于 StartTime，时段至多366天"},
		{"ShareOrderSync", strings.Replace(with("StartTime", "2026-02-28 08:00:00"), "2026-03-01 18:00:00", "2026-02-28 09:00:00", 1), "且不能已结束"},
		{"ShareOrderSync", with("CarNo", "ABC"), "车牌号格式错误"},
		{"ShareOrderSync", with("CarNo", "无牌车"), "车牌号格式错误 CarNo：无牌车没有车牌号"},
		// A plate-less car's temporary identity names it only while inside.
		{"ShareOrderSync", with("CarNo", "临7KQ2M9X"), "参数错误 CarNo：无牌车不支持预约"},
		{"ShareOrderSync", with("PayFee", 12.5), "参数类型错误 PayFee"},
		{"ShareOrderSync", with("PayFee", -1), "参数错误 PayFee"},
		{"ShareOrderSync", with("UserMobile", "call me"), "参数错误 UserMobile"},
		{"ShareOrderSync", with("OrderNo", "订单 1"), "参数错误 OrderNo"},
		{"ShareOrderSync", with("ParkCode", "140123002"), "无权操作该车场"},
		{"ReservationSyncV2", with("ExitRight", "maybe"), "参数类型错误 ExitRight"},
		{"ReservationSyncV2", with("EntryRight", 3), "参数类型错误 EntryRight"},
		{"ShareOrderTerminate", `{"ParkCode":"140123001","OrderNo":"SO-404"}`, "未找到 OrderNo：订单不存在"},
		{"ShareOrderTerminate", `{"ParkCode":"140123001"}`, "缺少参数 OrderNo"},
		{"ShareOrderTerminate", `{"ParkCode":"140123002","OrderNo":"DEMO-SHARE-0001"}`, "无权操作该车场"},
		{"ShareQueryUser", `{"ParkCode":"140123001"}`, "参数错误 OrderNo：OrderNo、CarNo、UserMobile 至少给一个"},
		{"ShareQueryUser", `{"ParkCode":"140123001","OrderNo":"SO-404"}`, "未找到 OrderNo：订单不存在"},
		{"ShareQueryUser", `{"ParkCode":"140123001","CarNo":"12"}`, "车牌号格式错误"},
		{"ShareQueryUser", `[]`, "请求体不是JSON对象"},
		{"ShareQueryUser", `{"ParkCode":"140123002","UserMobile":"13800138000"}`, "无权操作该车场"},
		{"ShareQueryUser", `{"ParkCode":"140123002","OrderNo":"DEMO-SHARE-0001"}`, "无权操作该车场"},
	} {
		wantState(t, e.call(c.op, c.body), -1, c.desc)
		if e.snapshot(t) != before || orders() != 0 {
			t.Fatalf("refused %s %s changed data", c.op, c.body)
		}
	}
	// Idempotent: the same order twice is one order, the second "repeated".
	var r struct {
		Repeated bool `json:"repeated"`
	}
	result(t, wantState(t, e.call("ShareOrderSync", with("OrderNo", "SO-1")), 0, "成功"), &r)
	result(t, wantState(t, e.call("ShareOrderSync", with("OrderNo", "SO-1")), 0, "成功"), &r)
	if !r.Repeated || orders() != 1 {
		t.Fatalf("second sync repeated=%v, %d orders", r.Repeated, orders())
	}
	// An order number sent as a JSON number is the same order number.
	result(t, wantState(t, e.call("ShareOrderSync", with("OrderNo", 202603010001)), 0, "成功"), &r)
	if r.Repeated || orders() != 2 {
		t.Fatalf("numeric order number: repeated=%v, %d orders", r.Repeated, orders())
	}
	wantState(t, e.call("ShareOrderTerminate", `{"ParkCode":"140123001","OrderNo":"202603010001"}`), 0, "成功")
	// Another partner's lot cannot see this partner's order.
	wantState(t, e.asOther("ShareQueryUser", `{"ParkCode":"140123002","OrderNo":"SO-1"}`), -1, "未找到 OrderNo")
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestOrderKeepsItsKind: an order number synced by ShareOrderSync is a
// shared-parking order; ReservationSyncV2 with the same number (another
// system of the partner reusing it, here with the exit withheld and
// another car) is refused and changes nothing, and the other way round:
// the first order, acknowledged to its system, would otherwise be
// replaced by the second.
func TestOrderKeepsItsKind(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	share := `{"ParkCode":"140123001","OrderNo":"K-1","CarNo":"浙B12345","StartTime":"2026-03-01 12:00:00","EndTime":"2026-03-01 18:00:00","PayFee":3000}`
	booking := `{"ParkCode":"140123001","OrderNo":"K-1","CarNo":"浙C54321","StartTime":"2026-03-01 12:00:00","EndTime":"2026-03-01 18:00:00","PayFee":1000,"ExitRight":0}`
	wantState(t, e.call("ShareOrderSync", share), 0, "成功")
	wantState(t, e.call("ReservationSyncV2", booking), -1, "数据冲突 OrderNo")
	// The same body as the first order, through the other operation.
	wantState(t, e.call("ReservationSyncV2", share), -1, "数据冲突 OrderNo")
	var got []struct {
		OrderType string `json:"orderType"`
		CarNo     string `json:"carNo"`
		PayFee    int64  `json:"payFee"`
		ExitRight int    `json:"exitRight"`
	}
	result(t, wantState(t, e.call("ShareQueryUser", `{"ParkCode":"140123001","OrderNo":"K-1"}`), 0, "成功"), &got)
	if len(got) != 1 || got[0].OrderType != "share" || got[0].CarNo != "浙B12345" || got[0].PayFee != 3000 || got[0].ExitRight != 1 {
		t.Fatalf("order after the refused sync %+v, want the share order of 浙B12345 as synced", got)
	}
	// And a reservation is not turned into a share order.
	wantState(t, e.call("ReservationSyncV2", strings.Replace(booking, "K-1", "K-2", 1)), 0, "成功")
	wantState(t, e.call("ShareOrderSync", strings.Replace(share, "K-1", "K-2", 1)), -1, "数据冲突 OrderNo")
}

// TestEndedOrderDoesNotMove: an order for 浙B12345, 12:00-14:00, whose car
// never came. 浙C54321 is inside as a visitor from 11:00. At 15:00, with
// the window over, a sync of that order naming 浙C54321 would hand it a
// prepaid window after the fact, so that its 12:00-14:00 went unbilled;
// it is refused and the visitor owes 11:00-15:00 by the fixtures' tariff:
// 500 for the first hour, then 6 day half-hours of 200, 1700.
func TestEndedOrderDoesNotMove(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	day := func(hh, mm int) time.Time { return time.Date(2026, 3, 1, hh, mm, 0, 0, shanghai) }
	const booking = `{"ParkCode":"140123001","OrderNo":"E-1","CarNo":"%s","StartTime":"2026-03-01 12:00:00","EndTime":"2026-03-01 14:00:00","PayFee":2000%s}`
	wantState(t, e.call("ShareOrderSync", fmt.Sprintf(booking, "浙B12345", "")), 0, "成功")
	if d := e.at(day(11, 0)).event(t, park.EventEntry, "浙C54321", day(11, 0)); d.Reason != park.ReasonVisitor {
		t.Fatalf("entry %+v, want a visitor", d)
	}
	late := e.at(day(15, 0))
	wantState(t, late.call("ShareOrderSync", fmt.Sprintf(booking, "浙C54321", "")), -1, "参数错误 EndTime")
	wantState(t, late.call("ShareOrderSync", fmt.Sprintf(booking, "浙B12345", `,"UserName":"王芳"`)), -1, "参数错误 EndTime")
	if f := late.fee(t, `{"ParkCode":"140123001","CarNo":"浙C54321"}`); f.PayFee != 1700 {
		t.Fatalf("visitor owes %d at 15:00, want 1700", f.PayFee)
	}
	// Sent again unchanged, it is still the same order; moved to a window
	// still to come, it is a booking again.
	wantState(t, late.call("ShareOrderSync", fmt.Sprintf(booking, "浙B12345", "")), 0, "成功")
	moved := strings.Replace(fmt.Sprintf(booking, "浙B12345", ""), "14:00:00", "18:00:00", 1)
	wantState(t, late.call("ShareOrderSync", moved), 0, "成功")
}
