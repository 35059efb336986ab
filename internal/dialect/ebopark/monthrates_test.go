package ebopark_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parkd/internal/park"
)

// savePeriod is SavePeriodMonthCar's golden request: a night pass for
// 鲁N12345, March 2026.
func savePeriod(t *testing.T, e *env) {
	t.Helper()
	req, err := os.ReadFile(filepath.Join("testdata", "SavePeriodMonthCar.request.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantState(t, e.call("SavePeriodMonthCar", string(req)), 0, "成功")
}

type feeResult struct {
	OrderNo    string
	PayFee     int64
	BeginTime  string
	EndTime    string
	OldEndTime string
	ExpireTime string
}

func (e *env) rechargeFee(t *testing.T, body string) feeResult {
	t.Helper()
	var f feeResult
	result(t, wantState(t, e.call("GetMonthCarRechargeFee", body), 0, "成功"), &f)
	return f
}

func recharge(order string, fee int64, trade string) string {
	b, _ := json.Marshal(map[string]any{"ParkCode": lotCode, "OrderNo": order, "PayFee": fee, "PayType": "WX", "TradeNo": trade})
	return string(b)
}

// TestRenewalLetsTheCarOutAfterTheOldEnd: the fixture pass (monthly-standard,
// 300.00 a month) ends 2027-02-01 10:00. A car of it still inside on
// 2027-02-15 is held; renewed for one month through the partner API, the
// same car leaves free.
func TestRenewalLetsTheCarOutAfterTheOldEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	later := e.at(time.Date(2027, 2, 15, 10, 0, 0, 0, shanghai))
	if d := later.event(t, park.EventExit, "京A12345", time.Date(2027, 2, 15, 10, 0, 0, 0, shanghai)); d.Decision != park.DecisionHold ||
		d.Reason != park.ReasonPaymentRequired {
		t.Fatalf("exit after the pass's end %+v, want payment", d)
	}
	f := e.rechargeFee(t, `{"ParkCode":"140123001","UserCode":"U1001","Months":1}`)
	// 1 × 30000; Feb 1 10:00 + 1 month = Mar 1 10:00; the order lasts the
	// lot's quote TTL, 300 s.
	if f.PayFee != 30000 || f.OldEndTime != "2027-02-01 10:00:00" || f.BeginTime != "2027-02-01 10:00:00" ||
		f.EndTime != "2027-03-01 10:00:00" || f.ExpireTime != "2026-03-01 10:05:00" {
		t.Fatalf("fee %+v", f)
	}
	var res struct {
		EndTime  string
		Repeated bool
	}
	result(t, wantState(t, e.call("MonthCarRechargeResult", recharge(f.OrderNo, 30000, "T-1")), 0, "成功"), &res)
	if res.EndTime != "2027-03-01 10:00:00" || res.Repeated {
		t.Fatalf("result %+v", res)
	}
	// Reported twice: the first result, and the pass is extended once.
	result(t, wantState(t, e.call("MonthCarRechargeResult", recharge(f.OrderNo, 30000, "T-1")), 0, "成功"), &res)
	if res.EndTime != "2027-03-01 10:00:00" || !res.Repeated {
		t.Fatalf("repeat %+v", res)
	}
	ps, err := e.svc.Access.PassByPlate(e.ctx, lotCode, "京A12345")
	if err != nil || !ps.ValidTo.Equal(time.Date(2027, 3, 1, 10, 0, 0, 0, shanghai)) {
		t.Fatalf("pass %+v, %v", ps, err)
	}
	if d := later.event(t, park.EventExit, "京A12345", time.Date(2027, 2, 15, 10, 0, 0, 0, shanghai)); d.Decision != park.DecisionOpen ||
		d.Reason != park.ReasonPass {
		t.Fatalf("exit after the renewal %+v, want open/pass", d)
	}
}

func TestRenewalRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.rechargeFee(t, `{"ParkCode":"140123001","CarNo":"京A12345","Months":1}`)
	other := e.rechargeFee(t, `{"ParkCode":"140123001","CarNo":"京A12345","Months":2}`)
	before := e.snapshot(t)
	for _, c := range []struct{ op, body, desc string }{
		{"GetMonthCarRechargeFee", `{"ParkCode":"140123001","Months":1}`, "缺少参数 MonthId/UserCode/CarNo"},
		{"GetMonthCarRechargeFee", `{"ParkCode":"140123001","CarNo":"京A12345"}`, "缺少参数 Months"},
		{"GetMonthCarRechargeFee", `{"ParkCode":"140123001","CarNo":"京A12345","Months":0}`, "参数错误 Months：应为1-36的整数"},
		{"GetMonthCarRechargeFee", `{"ParkCode":"140123001","CarNo":"京A12345","Months":37}`, "参数错误 Months：应为1-36的整数"},
		{"GetMonthCarRechargeFee", `{"ParkCode":"140123001","CarNo":"京A12345","Months":"3"}`, "参数类型错误 Months"},
		{"GetMonthCarRechargeFee", `{"ParkCode":"140123001","CarNo":"京A12345","Months":1.5}`, "参数类型错误 Months"},
		{"GetMonthCarRechargeFee", `{"ParkCode":"140123001","CarNo":"WUPAI","Months":1}`, "车牌号格式错误"},
		{"GetMonthCarRechargeFee", `{"ParkCode":"140123001","CarNo":"京B99999","Months":1}`, "未找到 CarNo：该车牌在本车场无月租"},
		{"GetMonthCarRechargeFee", `{"ParkCode":"140123001","MonthId":"nope","Months":1}`, "未找到 MonthId：月租不存在"},
		{"GetMonthCarRechargeFee", `{"ParkCode":"140123001","UserCode":"U404","Months":1}`, "未找到 UserCode：月租不存在"},
		{"GetMonthCarRechargeFee", `{"ParkCode":"140123001","CarNo":"京A12345","Months":1,"RateId":"gold"}`, "未找到 RateId"},
		{"GetMonthCarRechargeFee", `{"ParkCode":"140123002","CarNo":"京A12345","Months":1}`, "无权操作该车场"},
		{"MonthCarRechargeResult", `{"ParkCode":"140123001","PayFee":30000,"PayType":"WX","TradeNo":"T"}`, "缺少参数 OrderNo"},
		{"MonthCarRechargeResult", `{"ParkCode":"140123001","OrderNo":"` + f.OrderNo + `","PayType":"WX","TradeNo":"T"}`, "缺少参数 PayFee"},
		{"MonthCarRechargeResult", `{"ParkCode":"140123001","OrderNo":"` + f.OrderNo + `","PayFee":30000,"TradeNo":"T"}`, "缺少参数 PayType"},
		{"MonthCarRechargeResult", `{"ParkCode":"140123001","OrderNo":"` + f.OrderNo + `","PayFee":30000,"PayType":"WX"}`, "缺少参数 TradeNo"},
		{"MonthCarRechargeResult", `{"ParkCode":"140123001","OrderNo":"` + f.OrderNo + `","PayFee":"300","PayType":"WX","TradeNo":"T"}`, "参数类型错误 PayFee"},
		{"MonthCarRechargeResult", `{"ParkCode":"140123001","OrderNo":"` + f.OrderNo + `","PayFee":-1,"PayType":"WX","TradeNo":"T"}`, "参数错误 PayFee"},
		{"MonthCarRechargeResult", `{"ParkCode":"140123001","OrderNo":"` + f.OrderNo + `","PayFee":30000,"PayType":"WX","TradeNo":"有空 格"}`, "参数类型错误 TradeNo"},
		{"MonthCarRechargeResult", `{"ParkCode":"140123001","OrderNo":"` + f.OrderNo + `","PayFee":30000,"PayType":"WX","TradeNo":"T","PayTime":"now"}`, "参数类型错误 PayTime"},
		{"MonthCarRechargeResult", recharge(f.OrderNo, 29999, "T-9"), "金额不符 PayFee：应付 30000 分"},
		{"MonthCarRechargeResult", recharge("73b4cab7-ea27-426c-b247-bf0f006e0f05", 30000, "T-9"), "未找到 OrderNo"},
		{"MonthCarRechargeResult", `{"ParkCode":"140123002","OrderNo":"` + f.OrderNo + `","PayFee":30000,"PayType":"WX","TradeNo":"T"}`, "无权操作该车场"},
	} {
		wantState(t, e.call(c.op, c.body), -1, c.desc)
		if e.snapshot(t) != before {
			t.Fatalf("refused %s %s changed data", c.op, c.body)
		}
	}
	// The other partner's lot does not know the order either.
	r := e.post("/partnerService/MonthCarRechargeResult?partnerid=other&sign=o",
		`{"ParkCode":"140123002","OrderNo":"`+f.OrderNo+`","PayFee":30000,"PayType":"WX","TradeNo":"T"}`)
	wantState(t, r, -1, "未找到 OrderNo")
	// Nor does another partner of the same lot: an order is paid only
	// through the partner that asked for its fee, as stay quotes are.
	body := recharge(f.OrderNo, 30000, "T-1")
	wantState(t, e.post("/partnerService/MonthCarRechargeResult?partnerid=md5p&sign="+signOf(body), body), -1, "未找到 OrderNo")
	if e.snapshot(t) != before {
		t.Fatal("another partner's report changed data")
	}
	// Paid once; then another TradeNo for it, or this TradeNo for another
	// order, is refused.
	wantState(t, e.call("MonthCarRechargeResult", recharge(f.OrderNo, 30000, "T-1")), 0, "成功")
	after := e.snapshot(t)
	wantState(t, e.call("MonthCarRechargeResult", recharge(f.OrderNo, 30000, "T-2")), -1, "订单已支付 OrderNo")
	wantState(t, e.call("MonthCarRechargeResult", recharge(other.OrderNo, 60000, "T-1")), -1, "订单号重复 TradeNo")
	// Expired: the order lasted 300 s.
	late := e.at(now.Add(300 * time.Second))
	wantState(t, late.call("MonthCarRechargeResult", recharge(other.OrderNo, 60000, "T-3")), -1, "订单已过期 OrderNo")
	if e.snapshot(t) != after {
		t.Fatal("a refused report changed data")
	}
}

// TestSlotPassPaysOutsideItsSlots: a night pass (19:00-08:00) saved by
// SavePeriodMonthCar. Its car entered at 07:00 and is priced at 10:00 by
// the fixtures' tariff: 07:00-08:00 is free; 08:00-10:00 is billed from 08:00:
// the first hour 500, then two day-band blocks of 30 minutes at 200 =
// 900. A visitor over the same stay pays 1300 (first hour 500 from 07:00,
// then four blocks of 200).
func TestSlotPassPaysOutsideItsSlots(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	savePeriod(t, e)
	e.event(t, park.EventEntry, "鲁N12345", now.Add(-3*time.Hour))
	e.event(t, park.EventEntry, "鲁V12345", now.Add(-3*time.Hour))
	if f := e.fee(t, `{"ParkCode":"140123001","CarNo":"鲁N12345"}`); f.PayFee != 900 {
		t.Fatalf("slot pass pays %d, want 900", f.PayFee)
	}
	if f := e.fee(t, `{"ParkCode":"140123001","CarNo":"鲁V12345"}`); f.PayFee != 1300 {
		t.Fatalf("visitor pays %d, want 1300", f.PayFee)
	}
	// Night stays are free: in at 20:00, out at 07:00 the next morning.
	night := e.at(time.Date(2026, 3, 3, 7, 0, 0, 0, shanghai))
	wantState(t, e.call("DeleteInParkCar", `{"ParkCode":"140123001","CarNo":"鲁N12345"}`), 0, "成功")
	night.event(t, park.EventEntry, "鲁N12345", time.Date(2026, 3, 2, 20, 0, 0, 0, shanghai))
	if d := night.event(t, park.EventExit, "鲁N12345", time.Date(2026, 3, 3, 7, 0, 0, 0, shanghai)); d.Decision != park.DecisionOpen || d.Reason != park.ReasonPass {
		t.Fatalf("night exit %+v", d)
	}
}

func TestSavePeriodMonthCar(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var first, second struct {
		Action  string
		RateID  string `json:"rateId"`
		Periods []struct{ BeginTime, EndTime string }
		LotInfo []struct{ MonthID, EndTime string }
	}
	req, _ := os.ReadFile(filepath.Join("testdata", "SavePeriodMonthCar.request.json"))
	result(t, wantState(t, e.call("SavePeriodMonthCar", string(req)), 0, "成功"), &first)
	if first.Action != "created" || first.RateID != "night" || len(first.Periods) != 1 || first.Periods[0].BeginTime != "19:00" {
		t.Fatalf("save %+v", first)
	}
	// The same plate again: the pass is replaced, its id kept.
	result(t, wantState(t, e.call("SavePeriodMonthCar", `{"ParkCode":"140123001","RateId":"night","CarNo":"鲁N12345",
		"UserName":"王芳","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-05-01 00:00:00"}`), 0, "成功"), &second)
	if second.Action != "updated" || second.LotInfo[0].MonthID != first.LotInfo[0].MonthID || second.LotInfo[0].EndTime != "2026-05-01 00:00:00" {
		t.Fatalf("update %+v", second)
	}
	ps, err := e.svc.Access.PassByPlate(e.ctx, lotCode, "鲁N12345")
	if err != nil || ps.UserCode != "N2001" || len(ps.Slots) != 1 || ps.Slots[0] != (park.Slot{From: "19:00", To: "08:00"}) {
		t.Fatalf("pass %+v, %v", ps, err)
	}
	// A pass on the night plan through AddMonthCar is a slot pass too.
	wantState(t, e.call("AddMonthCar", `{"ParkCode":"140123001","CarNo":"鲁N54321","UserName":"李娜","RateId":"night",
		"BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`), 0, "成功")
	if ps, _ := e.svc.Access.PassByPlate(e.ctx, lotCode, "鲁N54321"); len(ps.Slots) != 1 {
		t.Fatalf("AddMonthCar on the night plan: slots %v", ps.Slots)
	}

	before := e.snapshot(t)
	save := func(extra string) string {
		return `{"ParkCode":"140123001","CarNo":"鲁N77777","UserName":"X","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"` + extra + `}`
	}
	for _, c := range []struct{ op, body, desc string }{
		{"SavePeriodMonthCar", save(``), "缺少参数 RateId"},
		{"SavePeriodMonthCar", save(`,"RateId":"gold"`), "未找到 RateId"},
		{"SavePeriodMonthCar", save(`,"RateId":"monthly-standard"`), "参数错误 RateId：不是时段月租费率"},
		{"SavePeriodMonthCar", save(`,"RateId":"night","MonthId":"nope"`), "未找到 MonthId"},
		{"SavePeriodMonthCar", `{"ParkCode":"140123001","RateId":"night","CarNo":"京A12345","UserName":"X","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`, "数据冲突 CarNo"},
		{"SavePeriodMonthCar", `{"ParkCode":"140123001","RateId":"night","UserName":"X","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`, "缺少参数 CarNo"},
		{"SavePeriodMonthCar", `{"ParkCode":"140123001","RateId":"night","CarNo":"鲁N77777","UserName":"X","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-02-01 00:00:00"}`, "参数错误 EndTime"},
		{"SavePeriodMonthCar", `{"ParkCode":"140123002","RateId":"night","CarNo":"鲁N77777","UserName":"X","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`, "无权操作该车场"},
		{"DeletePeriodMonthCar", `{"ParkCode":"140123001"}`, "缺少参数 MonthId/UserCode/CarNo"},
		{"DeletePeriodMonthCar", `{"ParkCode":"140123001","CarNo":"京A12345"}`, "未找到 CarNo：该车辆没有时段月租"},
		{"DeletePeriodMonthCar", `{"ParkCode":"140123001","CarNo":"鲁N77777"}`, "未找到 CarNo：该车辆没有时段月租"},
		{"DeletePeriodMonthCar", `{"ParkCode":"140123001","CarNo":"WUPAI"}`, "车牌号格式错误"},
		{"QueryPeriodMonthRates", `{}`, "缺少参数 ParkCode"},
		{"QueryMonthRates", `{"ParkCode":140123001}`, "参数类型错误 ParkCode"},
		{"QueryInnerCarByPlate", `{"ParkCode":"140123001"}`, "缺少参数 CarNo"},
		{"QueryInnerCarByPlate", `{"ParkCode":"140123001","CarNo":"WUPAI"}`, "车牌号格式错误"},
		{"QueryInnerCarByPlate", `{"ParkCode":"140123002","CarNo":"京A12345"}`, "无权操作该车场"},
	} {
		wantState(t, e.call(c.op, c.body), -1, c.desc)
		if e.snapshot(t) != before {
			t.Fatalf("refused %s %s changed data", c.op, c.body)
		}
	}
	wantState(t, e.call("DeletePeriodMonthCar", `{"ParkCode":"140123001","UserCode":"N2001"}`), 0, "成功")
	if _, err := e.svc.Access.PassByPlate(e.ctx, lotCode, "鲁N12345"); !park.IsCode(err, park.ENotFound) {
		t.Fatalf("deleted pass still there: %v", err)
	}
}

func TestQueryInnerCarByPlate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	savePeriod(t, e)
	wantState(t, e.call("AddHotelCar", `{"ParkCode":"140123001","CarNo":"浙A88888","RoomNo":"808","CheckInTime":"2026-02-28 14:00:00","CheckOutTime":"2026-03-02 12:00:00"}`), 0, "成功")
	wantState(t, e.call("SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"京B66666","SpecialType":"blacklist"}`), 0, "成功")
	wantState(t, e.call("SyncSpecialCar", `{"ParkCode":"140123001","CarNo":"京A99999","SpecialType":"police"}`), 0, "成功")
	type car struct {
		Kind, UserName, RoomNo, SpecialType, RateID string
		Valid                                       bool
	}
	for _, c := range []struct {
		plate string
		inner bool
		want  []car
	}{
		// isInner is the gate's entry rule, capacity aside. The night pass
		// (19:00-08:00) is valid, but at 10:00 its car would enter as a
		// visitor: not internal.
		{"鲁N12345", false, []car{{Kind: "period", UserName: "王芳", RateID: "night", Valid: true}}},
		// 张伟's pass has one space: 京A12345, inside on it, holds it and
		// is internal; the pass's other car would pay as a visitor.
		{"京A12345", true, []car{{Kind: "month", UserName: "张伟", RateID: "monthly-standard", Valid: true}}},
		{"京AD12345", false, []car{{Kind: "month", UserName: "张伟", RateID: "monthly-standard", Valid: true}}},
		{"沪B88888", true, []car{{Kind: "white", Valid: true}}},
		{"浙A88888", true, []car{{Kind: "hotel", RoomNo: "808", Valid: true}}},
		{"京A99999", true, []car{{Kind: "special", SpecialType: "police", Valid: true}}},
		{"京B66666", false, []car{{Kind: "blacklist", SpecialType: "blacklist", Valid: true}}},
		{"粤B12345", false, nil}, // a visitor
	} {
		env := wantState(t, e.call("QueryInnerCarByPlate", `{"ParkCode":"140123001","CarNo":"`+c.plate+`"}`), 0, "成功")
		var res struct {
			CarNo   string
			IsInner bool
			Cars    []car
		}
		result(t, env, &res)
		if res.CarNo != c.plate || res.IsInner != c.inner || env.Total != len(c.want) || len(res.Cars) != len(c.want) {
			t.Fatalf("%s: %s", c.plate, env.Result)
		}
		for i := range c.want {
			if res.Cars[i] != c.want[i] {
				t.Fatalf("%s: %+v, want %+v", c.plate, res.Cars[i], c.want[i])
			}
		}
	}
}

// FuzzMonthRatesRequest sends arbitrary bodies to the operations of
// monthrates.go and period.go: always HTTP 200 with an envelope.
func FuzzMonthRatesRequest(f *testing.F) {
	e := newEnv(f)
	ops := []string{"QueryMonthRates", "GetMonthCarRechargeFee", "MonthCarRechargeResult", "QueryPeriodMonthRates",
		"SavePeriodMonthCar", "DeletePeriodMonthCar", "QueryInnerCarByPlate"}
	for _, s := range []string{`{"ParkCode":"140123001","CarNo":"京A12345","Months":3}`, `{"ParkCode":"140123001","Months":1e400}`,
		`{"ParkCode":"140123001","OrderNo":"x","PayFee":9223372036854775807,"PayType":1,"TradeNo":"t"}`,
		`{"ParkCode":"140123001","RateId":"night","CarNo":["鲁N12345"],"UserName":"x","BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`,
		`{"ParkCode":"140123001","MonthId":null,"UserCode":"","CarNo":""}`, `[]`, `null`, ``} {
		for op := range ops {
			f.Add(uint8(op), s)
		}
	}
	f.Fuzz(func(t *testing.T, op uint8, body string) {
		r := e.call(ops[int(op)%len(ops)], body)
		var env envelope
		if r.status != 200 || json.Unmarshal(r.body, &env) != nil || env.State == nil || strings.Contains(env.Desc, "系统内部错误") {
			t.Fatalf("%q: HTTP %d %s", body, r.status, r.body)
		}
	})
}

// TestRechargeFeeKeysMustAgree: a renewal fee names the pass by MonthId,
// UserCode and CarNo; when more than one is given they must all name the
// same pass. The fixture pass of 张伟 (U1001, 京A12345) and a pass of 王芳
// (U2001, 粤C12345): a request naming 张伟's MonthId with 王芳's plate would
// otherwise quote, and once paid extend, 张伟's pass for 王芳's money.
func TestRechargeFeeKeysMustAgree(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wantState(t, e.call("AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C12345","UserName":"王芳","UserCode":"U2001",`+
		`"BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00","Plan":"monthly-standard"}`), 0, "成功")
	zhang, err := e.svc.Access.PassByPlate(e.ctx, lotCode, passPlate)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ body, desc string }{
		{`{"ParkCode":"140123001","MonthId":"` + zhang.ID + `","CarNo":"粤C12345","Months":1}`, "未找到 CarNo"},
		{`{"ParkCode":"140123001","UserCode":"U2001","CarNo":"京A12345","Months":1}`, "未找到 CarNo"},
		{`{"ParkCode":"140123001","MonthId":"` + zhang.ID + `","UserCode":"U2001","Months":1}`, "未找到 UserCode"},
		{`{"ParkCode":"140123001","UserCode":"U1001","CarNo":"京B99999","Months":1}`, "未找到 CarNo"},
	} {
		wantState(t, e.call("GetMonthCarRechargeFee", c.body), -1, c.desc)
	}
	// All three naming 张伟's pass: his pass is quoted.
	var f struct {
		MonthID string `json:"monthId"`
		PayFee  int64  `json:"payFee"`
	}
	result(t, wantState(t, e.call("GetMonthCarRechargeFee", `{"ParkCode":"140123001","MonthId":"`+zhang.ID+
		`","UserCode":"U1001","CarNo":"京AD12345","Months":1}`), 0, "成功"), &f)
	if f.MonthID != zhang.ID || f.PayFee != 30000 {
		t.Fatalf("fee %+v, want 张伟's pass %s at 30000", f, zhang.ID)
	}
}

// TestRechargeFeeOwnPlanGone: without RateId a renewal is priced on the
// pass's own plan; when that is no plan of the lot (a label given with
// AddMonthCar, or a plan deleted since), the partner, who sent no
// RateId, is told that this is the pass's plan and to name one.
func TestRechargeFeeOwnPlanGone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wantState(t, e.call("AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C24680","UserName":"李","UserCode":"GOLD-1",`+
		`"BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00","Plan":"金卡"}`), 0, "成功")
	before := e.snapshot(t)
	const gone = "未找到 RateId：月租费率不存在（未传 RateId 时为该月租自身的费率），请传本车场的 RateId"
	wantState(t, e.call("GetMonthCarRechargeFee", `{"ParkCode":"140123001","UserCode":"GOLD-1","Months":1}`), -1, gone)
	wantState(t, e.call("GetMonthCarRechargeFee", `{"ParkCode":"140123001","UserCode":"GOLD-1","Months":1,"RateId":"gold"}`), -1, gone)
	if e.snapshot(t) != before {
		t.Fatal("a refused fee query changed data")
	}
	wantState(t, e.call("GetMonthCarRechargeFee", `{"ParkCode":"140123001","UserCode":"GOLD-1","Months":1,"RateId":"monthly-standard"}`), 0, "成功")
}

// TestLapsedPassAdded: AddMonthCar takes a pass that has already ended
// (unlike a whitelist entry); it admits no car, keeps its plate from
// another pass, and its renewal starts at the renewal (now, 2026-03-01
// 10:00), one month later 2026-04-01 10:00.
func TestLapsedPassAdded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wantState(t, e.call("AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C13579","UserName":"李","UserCode":"OLD-1",`+
		`"BeginTime":"2026-01-01 00:00:00","EndTime":"2026-02-01 00:00:00","Plan":"monthly-standard"}`), 0, "成功")
	var inner struct {
		IsInner bool `json:"isInner"`
		Cars    []struct {
			Kind  string `json:"kind"`
			Valid bool   `json:"valid"`
		} `json:"cars"`
	}
	result(t, wantState(t, e.call("QueryInnerCarByPlate", `{"ParkCode":"140123001","CarNo":"粤C13579"}`), 0, "成功"), &inner)
	if inner.IsInner || len(inner.Cars) != 1 || inner.Cars[0].Kind != "month" || inner.Cars[0].Valid {
		t.Fatalf("lapsed pass read as %+v", inner)
	}
	wantState(t, e.call("AddMonthCar", `{"ParkCode":"140123001","CarNo":"粤C13579","UserName":"王",`+
		`"BeginTime":"2026-03-01 00:00:00","EndTime":"2026-04-01 00:00:00"}`), -1, "数据冲突 CarNo：该车牌已属于其他月租")
	f := e.rechargeFee(t, `{"ParkCode":"140123001","UserCode":"OLD-1","Months":1}`)
	if f.OldEndTime != "2026-02-01 00:00:00" || f.BeginTime != "2026-03-01 10:00:00" || f.EndTime != "2026-04-01 10:00:00" || f.PayFee != 30000 {
		t.Fatalf("renewal of a lapsed pass %+v", f)
	}
}
