package ebopark_test

import (
	"encoding/json"
	"testing"
	"time"

	"parkd/internal/dialect/ebopark"
	"parkd/internal/gate"
	"parkd/internal/park"
)

type crmFee struct {
	TotalFee     int64  `json:"totalFee"`
	DeductionFee int64  `json:"deductionFee"`
	CouponFee    int64  `json:"couponFee"`
	MemberFee    int64  `json:"memberFee"`
	PayFee       int64  `json:"payFee"`
	OrderNo      string `json:"orderNo"`
	MemberNo     string `json:"memberNo"`
}

func crmSync(order string, fee int64, trade string) string {
	b, _ := json.Marshal(map[string]any{"ParkCode": lotCode, "OrderNo": order, "PayFee": fee,
		"PayType": "CRM", "TradeNo": trade, "MemberNo": "VIP0001"})
	return string(b)
}

// TestCrmMemberFeeIsPaidExactly: the CRM's member benefit lowers its fee
// query, the quote carries it, CrmOrderSyncV5 settles exactly that amount
// (idempotently), uses the car's coupons, and the car leaves free.
func TestCrmMemberFeeIsPaidExactly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.dedu(t, "AddDeduction", `{"ParkCode":"140123001","CarNo":"粤B12345","DeduNo":"Y3","DeduType":2,"DeduValue":300}`)
	var f crmFee
	result(t, wantState(t, e.call("CrmQueryFeeV5", `{"ParkCode":"140123001","CarNo":"粤B12345","MemberNo":"VIP0001","FreeMinutes":30}`), 0, "成功"), &f)
	// 30 member minutes: priced as 07:00-09:30 = 500 + 3 x 200 = 1100
	// (200 off), then the 300 coupon: 800.
	if f.PayFee != 800 || f.MemberFee != 200 || f.CouponFee != 300 || f.DeductionFee != 500 || f.MemberNo != "VIP0001" {
		t.Fatalf("CRM fee %+v", f)
	}
	// Without the member benefit the plain fee query is 1300 - 300.
	if g := e.fee(t, `{"ParkCode":"140123001","CarNo":"粤B12345"}`); g.PayFee != 1000 {
		t.Fatalf("plain fee %+v", g)
	}
	before := e.couponSnapshot(t)
	wantState(t, e.call("CrmOrderSyncV5", crmSync(f.OrderNo, 1000, "C-1")), -1, "金额不符 PayFee：应付 800 分")
	wantState(t, e.at(now.Add(10*time.Minute)).call("CrmOrderSyncV5", crmSync(f.OrderNo, 800, "C-1")), -1, "订单已过期")
	if e.couponSnapshot(t) != before {
		t.Fatal("a refused sync changed data")
	}
	r := wantState(t, e.call("CrmOrderSyncV5", crmSync(f.OrderNo, 800, "C-1")), 0, "成功")
	var p struct {
		PaymentID string `json:"paymentId"`
		Repeated  bool   `json:"repeated"`
		MemberNo  string `json:"memberNo"`
	}
	result(t, r, &p)
	if p.Repeated || p.MemberNo != "VIP0001" {
		t.Fatalf("sync %s", r.Result)
	}
	result(t, wantState(t, e.call("CrmOrderSyncV5", crmSync(f.OrderNo, 800, "C-1")), 0, "成功"), &p)
	if !p.Repeated {
		t.Fatal("a repeated sync is not marked repeated")
	}
	wantState(t, e.call("CrmOrderSyncV5", crmSync(f.OrderNo, 800, "C-2")), -1, "订单已支付")
	if d := e.dedu(t, "QueryDeduDetail", `{"ParkCode":"140123001","DeduNo":"Y3"}`); d.Status != 1 || d.PaymentID != p.PaymentID {
		t.Fatalf("coupon after the CRM payment %+v", d)
	}
	if s := e.stayOf(t, "粤B12345"); s.Paid != 800 {
		t.Fatalf("paid %d, want 800", s.Paid)
	}
	if d := e.gate(t, "x-crm", park.EventExit, "粤B12345"); d.Decision != park.DecisionOpen || d.Reason != park.ReasonPaid {
		t.Fatalf("exit after the CRM payment %+v", d)
	}

	before = e.couponSnapshot(t)
	for _, c := range []struct{ op, body, desc string }{
		{"CrmQueryFeeV5", `{"ParkCode":"140123001"}`, "缺少参数 CarNo"},
		{"CrmQueryFeeV5", `{"ParkCode":"140123001","CarNo":"粤B12345"}`, "未找到 CarNo：该车辆不在场内"},
		{"CrmQueryFeeV5", `{"ParkCode":"140123001","CarNo":"苏E6X789","FreeMinutes":-1}`, "参数错误 FreeMinutes"},
		{"CrmQueryFeeV5", `{"ParkCode":"140123001","CarNo":"苏E6X789","DiscountFee":1000001}`, "参数错误 DiscountFee"},
		{"CrmQueryFeeV5", `{"ParkCode":"140123001","CarNo":"苏E6X789","DiscountFee":"1"}`, "参数类型错误 DiscountFee"},
		{"CrmQueryFeeV5", `{"ParkCode":"140123001","CarNo":"苏E6X789","MemberNo":"会员"}`, "参数类型错误 MemberNo"},
		{"CrmQueryFeeV5", `{"ParkCode":"140123001","CarNo":"X1"}`, "车牌号格式错误"},
		{"CrmQueryFeeV5", `{"ParkCode":"140123002","CarNo":"苏E6X789"}`, "无权操作该车场"},
		{"CrmOrderSyncV5", `{"ParkCode":"140123001","OrderNo":"nope","PayFee":1,"PayType":"WX","TradeNo":"C-9"}`, "未找到 OrderNo"},
		{"CrmOrderSyncV5", `{"ParkCode":"140123001","OrderNo":"nope","PayFee":1,"PayType":"WX"}`, "缺少参数 TradeNo"},
		{"CrmOrderSyncV5", `{"ParkCode":"140123001","OrderNo":"nope","PayFee":1,"PayType":"WX","TradeNo":"C-9","MemberNo":5}`, "参数类型错误 MemberNo"},
	} {
		wantState(t, e.call(c.op, c.body), -1, c.desc)
		if e.couponSnapshot(t) != before {
			t.Fatalf("refused %s %s changed data", c.op, c.body)
		}
	}
}

// TestQueryInvoice: a payment's invoicing data, by order or trade number,
// only for the partner that paid.
func TestQueryInvoice(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := e.fee(t, `{"ParkCode":"140123001","CarNo":"粤B12345"}`)
	wantState(t, e.call("paysyncWithDeductionV3", paysync(f.OrderNo, f.PayFee, "T-INV")), 0, "成功")
	var inv struct {
		OrderNo       string `json:"orderNo"`
		TradeNo       string `json:"tradeNo"`
		PayFee        int64  `json:"payFee"`
		InvoiceStatus int    `json:"invoiceStatus"`
		ExitTime      string `json:"exitTime"`
	}
	for _, body := range []string{`{"ParkCode":"140123001","OrderNo":"` + f.OrderNo + `"}`, `{"ParkCode":"140123001","TradeNo":"T-INV"}`} {
		result(t, wantState(t, e.call("QueryInvoice", body), 0, "成功"), &inv)
		if inv.OrderNo != f.OrderNo || inv.TradeNo != "T-INV" || inv.PayFee != 1300 || inv.InvoiceStatus != 0 || inv.ExitTime != "" {
			t.Fatalf("invoice by %s: %+v", body, inv)
		}
	}
	// After the exit, the exit time is there.
	e.gate(t, "x-inv", park.EventExit, "粤B12345")
	result(t, wantState(t, e.call("QueryInvoice", `{"ParkCode":"140123001","TradeNo":"T-INV"}`), 0, "成功"), &inv)
	if inv.ExitTime != "2026-03-01 10:00:00" {
		t.Fatalf("exit time %q", inv.ExitTime)
	}
	for _, c := range []struct{ body, desc string }{
		{`{"ParkCode":"140123001"}`, "缺少参数 OrderNo"},
		{`{"ParkCode":"140123001","OrderNo":"a","TradeNo":"b"}`, "参数类型错误 OrderNo"},
		{`{"ParkCode":"140123001","OrderNo":"nope"}`, "未找到 OrderNo"},
		{`{"ParkCode":"140123001","TradeNo":"nope"}`, "未找到 TradeNo"},
		{`{"ParkCode":"140123001","TradeNo":7}`, "参数类型错误 TradeNo"},
		{`{"ParkCode":"140123002","TradeNo":"T-INV"}`, "无权操作该车场"},
	} {
		wantState(t, e.call("QueryInvoice", c.body), -1, c.desc)
	}
	// Another partner of the lot does not see test's payment.
	body := `{"ParkCode":"140123001","TradeNo":"T-INV"}`
	wantState(t, e.post("/partnerService/QueryInvoice?partnerid=md5p&sign="+signOf(body), body), -1, "未找到 TradeNo")
}

func signOf(body string) string { return ebopark.Sign([]byte(body), md5Secret) }

// stayOf returns the stay of a car inside the fixture lot.
func (e *env) stayOf(t *testing.T, car string) *park.Stay {
	t.Helper()
	ss, err := e.svc.Gate.ListStays(e.ctx, gate.StayQuery{LotCode: lotCode, State: park.StayIn})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		if s.Plate == car {
			return s
		}
	}
	t.Fatalf("%s is not inside", car)
	return nil
}
