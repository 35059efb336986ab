package app

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/store/teststore"
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
	// Two lots, each with 2.00 per started hour; a car in each, entered 2 h ago.
	r := newPartnerRig(t, st, nil, now, `{"every":{"minutes":60,"price":200}}`)
	sys, ctx := r.sys, r.ctx
	do := func(method, path, body string, header ...string) map[string]any {
		t.Helper()
		return r.do(t, method, path, body, header...)
	}
	for i, c := range []struct{ lot, plate string }{{"cn1", "京A12345"}, {"br1", "ABC1D23"}, {"cn1", "京B12345"}} {
		r.enter(t, fmt.Sprint("in-", i), c.lot, c.plate, now.Add(-2*time.Hour))
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
		q := do("POST", "/v1/stays/"+stays[0].ID+"/quotes", "", "Authorization", "Bearer "+testAdmin)
		if q["amount_due"].(float64) != due {
			t.Fatalf("quote %v, want %d due", q, due)
		}
		st.reset()
		do("POST", "/v1/payments", `{"quote_id":"`+q["id"].(string)+`","amount":400,"method":"cash"}`, "Authorization", "Bearer "+testAdmin)
		wantOne(t, st)
	})
}

func wantOne(t *testing.T, st *countingStore) {
	t.Helper()
	if u, v := st.updates.Load(), st.views.Load(); u != 1 || v != 1 {
		t.Fatalf("the payment opened %d write and %d read transactions, want 1 and 1", u, v)
	}
}
