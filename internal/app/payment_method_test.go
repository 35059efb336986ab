package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"parkd/internal/gate"
	"parkd/internal/metrics"
	"parkd/internal/store/teststore"
)

// TestPaymentMethodOneSpelling: a method is one method however a payer
// spells it. WeChat paid through Ebopark as "WX" and through the native
// API as " wx " is one method of the yuan lot; PIX paid through Linkc as
// "Pix" and through the native API as "PIX" one of the real lot. The
// stays show the method as parkd stores it (trimmed, lower case), the
// metrics count two payments under each, and each dialect still echoes
// the method in its vendor's spelling (upper case).
func TestPaymentMethodOneSpelling(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	m := metrics.New()
	r := newPartnerRig(t, teststore.Open(t), m, now, `{"every":{"minutes":60,"price":200}}`)
	sys, ctx := r.sys, r.ctx
	do := func(method, path, body string, header ...string) map[string]any {
		t.Helper()
		return r.do(t, method, path, body, header...)
	}
	plates := []struct{ lot, plate string }{{"cn1", "京A12345"}, {"cn1", "京B12345"}, {"br1", "ABC1D23"}, {"br1", "XYZ1A23"}}
	for i, c := range plates {
		r.enter(t, fmt.Sprint("in-", i), c.lot, c.plate, now.Add(-2*time.Hour))
	}
	native := func(lot, plate, method string) {
		t.Helper()
		stays, err := sys.Gate.ListStays(ctx, gate.StayQuery{LotCode: lot, Plate: plate})
		if err != nil || len(stays) != 1 {
			t.Fatalf("stays %v, %v", stays, err)
		}
		q := do("POST", "/v1/stays/"+stays[0].ID+"/quotes", "", "Authorization", "Bearer "+testAdmin)
		p := do("POST", "/v1/payments", `{"quote_id":"`+q["id"].(string)+`","amount":400,"method":"`+method+`"}`, "Authorization", "Bearer "+testAdmin)
		if p["method"] != strings.ToLower(strings.TrimSpace(method)) {
			t.Fatalf("native payment %v, want method stored as %q", p, strings.ToLower(strings.TrimSpace(method)))
		}
	}
	methodOf := func(lot, plate string) string {
		t.Helper()
		stays, err := sys.Gate.ListStays(ctx, gate.StayQuery{LotCode: lot, Plate: plate})
		if err != nil || len(stays) != 1 {
			t.Fatalf("stays %v, %v", stays, err)
		}
		b, err := sys.Billing.StayBreakdown(ctx, stays[0].ID)
		if err != nil || len(b.Payments) != 1 {
			t.Fatalf("payments of %s: %v, %v", plate, b, err)
		}
		return b.Payments[0].Method
	}

	// 2 h at 2.00 per started hour: 400 minor units due for every car.
	fee := do("POST", "/partnerService/getProStopWithDeductionV3?partnerid=eb&sign="+eboSecret, `{"ParkCode":"cn1","CarNo":"京A12345"}`)
	order := fee["result"].(map[string]any)["orderNo"].(string)
	do("POST", "/partnerService/paysyncWithDeductionV3?partnerid=eb&sign="+eboSecret,
		`{"ParkCode":"cn1","OrderNo":"`+order+`","PayFee":400,"PayType":"WX","TradeNo":"wx-1"}`)
	inv := do("POST", "/partnerService/QueryInvoice?partnerid=eb&sign="+eboSecret, `{"ParkCode":"cn1","TradeNo":"wx-1"}`)
	if got := inv["result"].(map[string]any)["payType"]; got != "WX" {
		t.Fatalf("Ebopark's invoice shows payType %v, want WX as the partner sent it", got)
	}
	native("cn1", "京B12345", " wx ")

	accept := "application/vnd.linkc.com.br; version=1"
	auth := "Bearer " + do("POST", "/api/autenticacao", `{"usuario":"ana","senha":"senha-forte-1"}`, "Accept", accept)["token"].(string)
	look := do("GET", "/api/estadias?placa=ABC1D23", "", "Accept", accept, "Authorization", auth)
	tx := look["permanencia"].(map[string]any)["transacao"].(string)
	pg := do("POST", "/api/estadias/pagamentos", `{"transacao_id":"`+tx+`","valor":"4.0","forma_pagamento":"Pix"}`,
		"Accept", accept, "Authorization", auth)
	if got := pg["pagamento"].(map[string]any)["forma_pagamento"]; got != "PIX" {
		t.Fatalf("Linkc's payment shows forma_pagamento %v, want PIX", got)
	}
	native("br1", "XYZ1A23", "PIX")

	for _, c := range []struct{ lot, plate, want string }{{"cn1", "京A12345", "wx"}, {"cn1", "京B12345", "wx"},
		{"br1", "ABC1D23", "pix"}, {"br1", "XYZ1A23", "pix"}} {
		if got := methodOf(c.lot, c.plate); got != c.want {
			t.Errorf("%s's payment method %q, want %q", c.plate, got, c.want)
		}
	}
	// Two payments under each (currency, method), none under another spelling.
	for _, c := range []struct {
		cur, method string
		want        float64
	}{{"CNY", "wx", 2}, {"BRL", "pix", 2}, {"CNY", "WX", 0}, {"CNY", " wx ", 0}, {"BRL", "PIX", 0}} {
		var d dto.Metric
		if err := m.Payments.WithLabelValues(c.cur, c.method).Write(&d); err != nil {
			t.Fatal(err)
		}
		if got := d.GetCounter().GetValue(); got != c.want {
			t.Errorf("parkd_payments_total{currency=%q,method=%q} = %v, want %v", c.cur, c.method, got, c.want)
		}
	}
}
