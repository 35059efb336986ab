package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/gate"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/park"
	"parkd/internal/partners"
	"parkd/internal/store/teststore"
	"parkd/internal/system"
)

// countingStore counts the transactions the core opens.
type countingStore struct {
	park.Store
	updates, views atomic.Int64
}

func (c *countingStore) Update(ctx context.Context, fn func(park.Tx) error) error {
	c.updates.Add(1)
	return c.Store.Update(ctx, fn)
}

func (c *countingStore) View(ctx context.Context, fn func(park.Tx) error) error {
	c.views.Add(1)
	return c.Store.View(ctx, fn)
}

func (c *countingStore) reset() { c.updates.Store(0); c.views.Store(0) }

// TestPartnerPaymentIsOneTransaction: a partner's payment, through every
// dialect parkd serves and through the native API, is one write
// transaction (once the partner's credentials are cached, as they are for
// every request after a partner's first), and one read after it: the
// reply's leave-by, priced off the writer (billing.Pay).
func TestPartnerPaymentIsOneTransaction(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	st := &countingStore{Store: teststore.Open(t)}
	sys := system.New(systemConfig(st, nil, nil, func() time.Time { return now }))
	h := httpapi.New(httpapi.Config{Service: sys, Metrics: metrics.New(), AdminToken: "admin", Now: func() time.Time { return now }})
	for _, d := range dialects {
		d.mount(sys, nil, h.Mount)
	}
	ctx := context.Background()
	do := func(method, path, body string, header ...string) map[string]any {
		t.Helper()
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		b, _ := io.ReadAll(rec.Result().Body)
		var out map[string]any
		if err := json.Unmarshal(b, &out); err != nil || rec.Code >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, rec.Code, b)
		}
		return out
	}
	// Two lots, each with 2.00 per started hour; a car in each, entered 2 h ago.
	for _, lot := range []string{"cn1", "br1"} {
		cur, tz := "CNY", "Asia/Shanghai"
		if lot == "br1" {
			cur, tz = "BRL", "America/Sao_Paulo"
		}
		if _, err := sys.Gate.CreateLot(ctx, &park.Lot{Code: lot, Name: lot, TimeZone: tz, Currency: cur, Capacity: 10,
			Tariff: json.RawMessage(`{"every":{"minutes":60,"price":200}}`)}); err != nil {
			t.Fatal(err)
		}
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(sys.Partners.CreateDemoPartner(ctx, &park.Partner{ID: "eb", Name: "Pay app", Dialect: "ebopark", Type: park.PartnerNormal,
		Secret: eboSecret, SignMode: "static", Lots: []string{"cn1"}}))
	must(sys.Partners.CreatePartner(ctx, &park.Partner{ID: "lk", Name: "Integrator", Dialect: "linkc", Type: park.PartnerNormal,
		Lots: []string{"br1"}}))
	must(sys.Partners.CreateIntegrator(ctx, partners.IntegratorInput{Username: "ana", Password: "senha-forte-1", Partners: []string{"lk"}}))
	for i, c := range []struct{ lot, plate string }{{"cn1", "京A12345"}, {"br1", "ABC1D23"}, {"cn1", "京B12345"}} {
		must(sys.Gate.HandleEvent(ctx, gate.EventInput{LotCode: c.lot, ID: fmt.Sprint("in-", i), Type: park.EventEntry,
			Plate: c.plate, Lane: "in-1", At: now.Add(-2 * time.Hour)}))
	}
	// 2 h at 2.00 per started hour: 400 minor units due in each lot.
	const due = 400

	t.Run("Ebopark", func(t *testing.T) {
		fee := do("POST", "/partnerService/getProStopWithDeductionV3?partnerid=eb&sign="+eboSecret, `{"ParkCode":"cn1","CarNo":"京A12345"}`)
		order := fee["result"].(map[string]any)["orderNo"].(string)
		st.reset()
		do("POST", "/partnerService/paysyncWithDeductionV3?partnerid=eb&sign="+eboSecret,
			`{"ParkCode":"cn1","OrderNo":"`+order+`","PayFee":400,"PayType":"WX","TradeNo":"wx-1"}`)
		wantOne(t, st)
	})
	t.Run("Linkc", func(t *testing.T) {
		accept := "application/vnd.linkc.com.br; version=1"
		tok := do("POST", "/api/autenticacao", `{"usuario":"ana","senha":"senha-forte-1"}`, "Accept", accept)["token"].(string)
		auth := "Bearer " + tok
		look := do("GET", "/api/estadias?placa=ABC1D23", "", "Accept", accept, "Authorization", auth)
		tx := look["permanencia"].(map[string]any)["transacao"].(string)
		st.reset()
		do("POST", "/api/estadias/pagamentos", `{"transacao_id":"`+tx+`","valor":"4.0","forma_pagamento":"PIX"}`,
			"Accept", accept, "Authorization", auth)
		wantOne(t, st)
	})
	t.Run("Native", func(t *testing.T) {
		stays, err := sys.Gate.ListStays(ctx, gate.StayQuery{LotCode: "cn1", Plate: "京B12345"})
		if err != nil || len(stays) != 1 {
			t.Fatalf("stays %v, %v", stays, err)
		}
		q := do("POST", "/v1/stays/"+stays[0].ID+"/quotes", "", "Authorization", "Bearer admin")
		if q["amount_due"].(float64) != due {
			t.Fatalf("quote %v, want %d due", q, due)
		}
		st.reset()
		do("POST", "/v1/payments", `{"quote_id":"`+q["id"].(string)+`","amount":400,"method":"cash"}`, "Authorization", "Bearer admin")
		wantOne(t, st)
	})
}

func wantOne(t *testing.T, st *countingStore) {
	t.Helper()
	if u, v := st.updates.Load(), st.views.Load(); u != 1 || v != 1 {
		t.Fatalf("the payment opened %d write and %d read transactions, want 1 and 1", u, v)
	}
}
