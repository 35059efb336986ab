package ebopark_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"parkd/internal/billing"
	"parkd/internal/dialect/ebopark"
	"parkd/internal/park"
)

type dedu struct {
	DeduNo    string `json:"deduNo"`
	CarNo     string `json:"carNo"`
	DeduType  int    `json:"deduType"`
	DeduValue int64  `json:"deduValue"`
	Status    int    `json:"status"`
	UseTime   string `json:"useTime"`
	PaymentID string `json:"paymentId"`
	Repeated  bool   `json:"repeated"`
}

func (e *env) dedu(t *testing.T, op, body string) dedu {
	t.Helper()
	var d dedu
	result(t, wantState(t, e.call(op, body), 0, "成功"), &d)
	return d
}

// couponSnapshot is e.snapshot plus the fixture lot's coupons.
func (e *env) couponSnapshot(t *testing.T) string {
	t.Helper()
	cs, _, err := e.svc.Billing.ListCoupons(e.ctx, billing.CouponQuery{LotCode: lotCode, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	j, _ := json.Marshal(cs)
	return e.snapshot(t) + string(j)
}

// TestCouponsLowerTheFeeAndAreUsedByThePayment: coupons issued through the
// dialect lower the next fee query, the payment of that fee uses them, and
// a used coupon can no longer be withdrawn.
func TestCouponsLowerTheFeeAndAreUsedByThePayment(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// 粤B12345, 07:00-10:00 under the fixtures' tariff: first hour 500, then
	// 4 day half-hours of 200 = 1300.
	if f := e.fee(t, `{"ParkCode":"140123001","CarNo":"粤B12345"}`); f.PayFee != 1300 {
		t.Fatalf("fee before coupons %+v", f)
	}
	d := e.dedu(t, "AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"粤b12345","DeduNo":"M1","Minutes":60}`)
	if d.CarNo != "粤B12345" || d.DeduType != 0 || d.DeduValue != 60 || d.Status != 0 || d.Repeated {
		t.Fatalf("issued %+v", d)
	}
	// A retry answers the same coupon.
	if d := e.dedu(t, "AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","DeduNo":"M1","Minutes":60}`); !d.Repeated {
		t.Fatalf("retry %+v", d)
	}
	// 60 minutes off: priced as 07:00-09:00 = 500 + 2 x 200 = 900, 400 less
	// than the 1300 the stay costs before deductions (totalFee).
	if f := e.fee(t, `{"ParkCode":"140123001","CarNo":"粤B12345"}`); f.PayFee != 900 || f.DeductionFee != 400 || f.TotalFee != 1300 {
		t.Fatalf("fee with a 60-minute coupon %+v", f)
	}
	e.dedu(t, "AddDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","DeduNo":"Y2","DeduType":2,"DeduValue":200}`)
	e.dedu(t, "AddDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","DeduNo":"H1","DeduType":1,"DeduValue":1}`)
	wantState(t, e.call("DeleteMinuteDeduction", `{"ParkCode":"140123001","DeduNo":"H1"}`), 0, "成功")
	// The deleted hour coupon does not apply: 900 - 200 = 700.
	f := e.fee(t, `{"ParkCode":"140123001","CarNo":"粤B12345"}`)
	if f.PayFee != 700 || f.DeductionFee != 600 {
		t.Fatalf("fee with 60 minutes and 200 off %+v", f)
	}
	var pay struct{ PaymentID string }
	result(t, wantState(t, e.call("paysyncWithDeductionV3", paysync(f.OrderNo, 700, "T-1")), 0, "成功"), &pay)
	for _, id := range []string{"M1", "Y2"} {
		d := e.dedu(t, "QueryDeduDetail", `{"ParkCode":"140123001","DeduNo":"`+id+`"}`)
		if d.Status != 1 || d.PaymentID != pay.PaymentID || d.UseTime != "2026-03-01 10:00:00" {
			t.Fatalf("%s after the payment %+v", id, d)
		}
	}
	if d := e.dedu(t, "QueryDeduDetail", `{"ParkCode":"140123001","DeduNo":"H1"}`); d.Status != 5 {
		t.Fatalf("deleted coupon %+v", d)
	}
	wantState(t, e.call("DeleteMinuteDeduction", `{"ParkCode":"140123001","DeduNo":"M1"}`), -1, "数据冲突 DeduNo")
	var list struct {
		Total   int    `json:"total"`
		Records []dedu `json:"records"`
	}
	env := wantState(t, e.call("QueryDeduList", `{"ParkCode":"140123001","Status":1}`), 0, "成功")
	result(t, env, &list)
	if env.Total != 2 || list.Total != 2 || len(list.Records) != 2 || list.Records[0].DeduNo != "M1" {
		t.Fatalf("used coupons %s", env.Result)
	}
	env = wantState(t, e.call("QueryDeduList", `{"ParkCode":"140123001","PageSize":1,"Page":3}`), 0, "成功")
	result(t, env, &list)
	// With the café coupon, four coupons of test, all issued at 10:00 so
	// in id order: CAFE-200, H1, M1, Y2.
	if list.Total != 4 || len(list.Records) != 1 || list.Records[0].DeduNo != "M1" {
		t.Fatalf("page 3 of 1 %s", env.Result)
	}
}

// TestFreeCouponLetsTheCarOut: a free-stay coupon makes the fee 0 and the
// car leaves free, using the coupon.
func TestFreeCouponLetsTheCarOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// The café coupon (CAFE-200): 40 minutes cost the first hour, 500, less 200.
	if f := e.fee(t, `{"ParkCode":"140123001","CarNo":"苏E6X789"}`); f.PayFee != 300 || f.DeductionFee != 200 {
		t.Fatalf("fee with the café coupon %+v", f)
	}
	e.dedu(t, "AddDeduction", `{"ParkCode":"140123001","CarNo":"苏E6X789","DeduNo":"FREE-1","DeduType":4}`)
	if f := e.fee(t, `{"ParkCode":"140123001","CarNo":"苏E6X789"}`); f.PayFee != 0 || f.OrderNo != "" {
		t.Fatalf("fee with a free coupon %+v", f)
	}
	if d := e.gate(t, "x-free", park.EventExit, "苏E6X789"); d.Decision != park.DecisionOpen {
		t.Fatalf("exit %+v", d)
	}
	if d := e.dedu(t, "QueryDeduDetail", `{"ParkCode":"140123001","DeduNo":"FREE-1"}`); d.Status != 1 || d.PaymentID != "" {
		t.Fatalf("free coupon after the exit %+v", d)
	}
	// The café coupon (CAFE-200) (2 yuan off) found nothing left and is unused.
	c, err := e.svc.Billing.GetCoupon(e.ctx, lotCode, cafeCoupon, "")
	if err != nil || c.State != park.CouponIssued {
		t.Fatalf("café coupon %+v, %v", c, err)
	}
}

// TestCouponBadInput: each refusal is a specific state -1 desc and
// changes nothing.
func TestCouponBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.dedu(t, "AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","DeduNo":"M1","Minutes":30}`)
	md5 := func(body string) reply {
		return e.post("/partnerService/QueryDeduDetail?partnerid=md5p&sign="+ebopark.Sign([]byte(body), md5Secret), body)
	}
	before := e.couponSnapshot(t)
	for _, c := range []struct{ op, body, desc string }{
		{"AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345"}`, "缺少参数 Minutes"},
		{"AddMinuteDeduction", `{"ParkCode":"140123001","Minutes":30}`, "缺少参数 CarNo"},
		{"AddMinuteDeduction", `{"CarNo":"粤B12345","Minutes":30}`, "缺少参数 ParkCode"},
		{"AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","Minutes":"30"}`, "参数类型错误 Minutes"},
		{"AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","Minutes":0}`, "参数错误 Minutes：应为1-10080"},
		{"AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","Minutes":10081}`, "参数错误 Minutes"},
		{"AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"ABC","Minutes":30}`, "车牌号格式错误"},
		{"AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"无牌车","Minutes":30}`, "车牌号格式错误"},
		{"AddMinuteDeduction", `{"ParkCode":"140123002","CarNo":"粤B12345","Minutes":30}`, "无权操作该车场"},
		{"AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","Minutes":45,"DeduNo":"M1"}`, "数据冲突 DeduNo"},
		{"AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","Minutes":30,"DeduNo":"带中文"}`, "参数错误 DeduNo"},
		{"AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","Minutes":30,"BeginTime":"2026-03-01"}`, "参数类型错误 BeginTime"},
		{"AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","Minutes":30,"BeginTime":"2026-03-01 12:00:00","EndTime":"2026-03-01 11:00:00"}`, "参数错误 EndTime"},
		{"AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","Minutes":30,"BeginTime":"2026-02-01 12:00:00","EndTime":"2026-02-02 11:00:00"}`, "参数错误 EndTime：须晚于 BeginTime，至多366天，且不能已过去"},
		{"AddMinuteDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","Minutes":30,"MerchantName":"` + strings.Repeat("店", 65) + `"}`, "参数错误 MerchantName"},
		{"AddDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","DeduValue":1}`, "缺少参数 DeduType"},
		{"AddDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","DeduType":0,"DeduValue":1}`, "参数类型错误 DeduType"},
		{"AddDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","DeduType":7,"DeduValue":1}`, "参数类型错误 DeduType"},
		{"AddDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","DeduType":2}`, "缺少参数 DeduValue"},
		{"AddDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","DeduType":3,"DeduValue":101}`, "参数错误 DeduValue"},
		{"AddDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","DeduType":2,"DeduValue":1.5}`, "参数类型错误 DeduValue"},
		{"DeleteMinuteDeduction", `{"ParkCode":"140123001"}`, "缺少参数 DeduNo"},
		{"DeleteMinuteDeduction", `{"ParkCode":"140123001","DeduNo":"nope"}`, "未找到 DeduNo"},
		{"DeleteMinuteDeduction", `{"ParkCode":"140123002","DeduNo":"M1"}`, "无权操作该车场"},
		{"QueryDeduDetail", `{"ParkCode":"140123001","DeduNo":12}`, "参数类型错误 DeduNo"},
		{"QueryDeduDetail", `{"ParkCode":"140123001","DeduNo":"nope"}`, "未找到 DeduNo"},
		// QueryDeduList's keys are the vendor's lowercase ones
		// (docs/ebopark.md): its refusals name them so, however the
		// partner cased them (keys match in any case).
		{"QueryDeduList", `{"parkCode":"140123001","status":2}`, "参数类型错误 status"},
		{"QueryDeduList", `{"ParkCode":"140123001","Status":2}`, "参数类型错误 status"},
		{"QueryDeduList", `{"parkCode":"140123001","status":"0"}`, "参数类型错误 status：应为整数"},
		{"QueryDeduList", `{"parkCode":"140123001","page":0}`, "参数类型错误 page"},
		{"QueryDeduList", `{"parkCode":"140123001","pageSize":1001}`, "参数类型错误 pageSize"},
		{"QueryDeduList", `{"parkCode":"140123001","carNo":"X"}`, "车牌号格式错误 carNo"},
		{"QueryDeduList", `{"parkCode":"140123001","sendStartTime":"yesterday"}`, "参数类型错误 sendStartTime"},
		{"QueryDeduList", `{"parkCode":"140123001","sendEndTime":"yesterday"}`, "参数类型错误 sendEndTime"},
		{"QueryDeduList", `{"parkCode":"140123001","sendStartTime":"2026-03-02 00:00:00","sendEndTime":"2026-03-01 00:00:00"}`, "参数错误 sendEndTime：须晚于 sendStartTime"},
		{"QueryDeduList", `{"carNo":"粤B12345"}`, "缺少参数 parkCode"},
		{"QueryDeduList", `{"parkCode":12}`, "参数类型错误 parkCode"},
		{"QueryDeduList", `{"parkCode":"140123002"}`, "无权操作该车场或车场不存在 parkCode"},
		{"QueryDeduList", `[]`, "请求体不是JSON对象"},
	} {
		wantState(t, e.call(c.op, c.body), -1, c.desc)
		if e.couponSnapshot(t) != before {
			t.Fatalf("refused %s %s changed data", c.op, c.body)
		}
	}
	// Another partner of the same lot neither sees nor withdraws them.
	wantState(t, md5(`{"ParkCode":"140123001","DeduNo":"M1"}`), -1, "未找到 DeduNo")
	var list struct{ Total int }
	result(t, wantState(t, e.post("/partnerService/QueryDeduList?partnerid=md5p&sign="+ebopark.Sign([]byte(`{"ParkCode":"140123001"}`), md5Secret),
		`{"ParkCode":"140123001"}`), 0, "成功"), &list)
	if list.Total != 0 {
		t.Fatalf("md5p sees %d coupons of test", list.Total)
	}
}

// TestCouponAfterPaymentLowersPayFee: a coupon issued after the fee was
// paid comes off what the car owes for its time after the exit grace.
// By hand: 粤B12345 in at 07:00, 1300 paid at 10:00, free to leave until
// 10:15; at 10:40 the stay is 500 + 6 day half-hours (08:00-10:40) =
// 1700, and 10:15-10:40 is one started half-hour, 200: a 100 fen coupon
// leaves 100 to pay.
func TestCouponAfterPaymentLowersPayFee(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fee(t, `{"ParkCode":"140123001","CarNo":"粤B12345"}`)
	wantState(t, e.call("paysyncWithDeductionV3", paysync(f.OrderNo, 1300, "T-1")), 0, "成功")
	later := e.at(now.Add(40 * time.Minute))
	later.dedu(t, "AddDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","DeduNo":"Y1","DeduType":2,"DeduValue":100}`)
	g := later.fee(t, `{"ParkCode":"140123001","CarNo":"粤B12345"}`)
	if g.TotalFee != 1700 || g.PaidFee != 1300 || g.DeductionFee != 100 || g.PayFee != 100 || g.OrderNo == "" {
		t.Fatalf("fee with a coupon after the payment %+v, want totalFee 1700, paidFee 1300, deductionFee 100, payFee 100", g)
	}
	wantState(t, later.call("paysyncWithDeductionV3", paysync(g.OrderNo, 100, "T-2")), 0, "成功")
	if d := later.dedu(t, "QueryDeduDetail", `{"ParkCode":"140123001","DeduNo":"Y1"}`); d.Status != 1 {
		t.Fatalf("coupon after its payment %+v, want used", d)
	}
}

// TestCouponWithoutDeduNoKeptFiveMinutes: without a DeduNo the body is
// the grant's identity, and the same body may be the same shop's coupon on
// a second visit, so it names its coupon for 5 minutes only (not the 24 h
// of a key the issuer chose): resent 4 minutes on it is the first coupon;
// 6 minutes on it is a second one.
func TestCouponWithoutDeduNoKeptFiveMinutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const body = `{"ParkCode":"140123001","CarNo":"粤B12345","DeduType":2,"DeduValue":100}`
	first := e.dedu(t, "AddDeduction", body)
	if first.Repeated || first.DeduNo == "" {
		t.Fatalf("issued %+v", first)
	}
	if d := e.at(now.Add(4*time.Minute)).dedu(t, "AddDeduction", body); !d.Repeated || d.DeduNo != first.DeduNo {
		t.Fatalf("resend 4 minutes on %+v, want the first coupon %s", d, first.DeduNo)
	}
	if d := e.at(now.Add(6*time.Minute)).dedu(t, "AddDeduction", body); d.Repeated || d.DeduNo == first.DeduNo {
		t.Fatalf("the same body 6 minutes on %+v, want a new coupon", d)
	}
}
