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

// writerWatch counts the transactions the core opens and how many times a
// stay is priced while a write transaction is open (each price reads
// which records the car's plate has once: access.KnownRecords, or with
// the lot, access.KnownLot).
type writerWatch struct {
	park.Store
	updates, views, pricedInWrite atomic.Int64
}

func (w *writerWatch) Update(ctx context.Context, fn func(park.Tx) error) error {
	w.updates.Add(1)
	return w.Store.Update(ctx, func(tx park.Tx) error { return fn(&watchedTx{Tx: tx, priced: &w.pricedInWrite}) })
}

func (w *writerWatch) View(ctx context.Context, fn func(park.Tx) error) error {
	w.views.Add(1)
	return w.Store.View(ctx, fn)
}

func (w *writerWatch) reset() { w.updates.Store(0); w.views.Store(0); w.pricedInWrite.Store(0) }

type watchedTx struct {
	park.Tx
	priced *atomic.Int64
}

func (t *watchedTx) PlateRecords(ctx context.Context, lot, plateKey string) (park.PlateRecords, error) {
	t.priced.Add(1)
	return t.Tx.PlateRecords(ctx, lot, plateKey)
}

func (t *watchedTx) LotAndPlate(ctx context.Context, lot, plateKey string) (*park.Lot, park.PlateRecords, *park.Stay, error) {
	t.priced.Add(1)
	return t.Tx.LotAndPlate(ctx, lot, plateKey)
}

// TestFreeLookUpSearchesOffTheWriter: a partner's look-up of a car that
// owes nothing (Ebopark's fee query, Linkc's look-up, the native quote)
// holds the single writer only to price the stay once, as for a car that
// owes: the search for the last free instant (several prices) runs after
// it in a read-only transaction, and answers what it answered before.
func TestFreeLookUpSearchesOffTheWriter(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 5, 0, 0, time.UTC)
	st := &writerWatch{Store: teststore.Open(t)}
	// 15 free minutes, then 2.00 per started hour from entry.
	r := newPartnerRig(t, st, nil, now, `{"grace_minutes":15,"every":{"minutes":60,"price":200}}`)
	sys, ctx := r.sys, r.ctx
	do := func(method, path, body string, header ...string) map[string]any {
		t.Helper()
		return r.do(t, method, path, body, header...)
	}
	// In each lot a car that owes (in 08:05, 2 h: 2 started hours, 4.00)
	// and a free one (in 10:00, looked up at 10:05: within its 15 free
	// minutes, free until 10:00 + 15 min = 10:15:00 UTC, which is 18:15:00
	// in Shanghai (UTC+8) and 07:15:00-03:00 in São Paulo).
	cars := []struct {
		lot, plate string
		in         time.Time
	}{
		{"cn1", "京A12345", now.Add(-2 * time.Hour)}, {"cn1", "京B12345", now.Add(-5 * time.Minute)},
		{"br1", "ABC1D23", now.Add(-2 * time.Hour)}, {"br1", "XYZ9K88", now.Add(-5 * time.Minute)},
	}
	for i, c := range cars {
		r.enter(t, fmt.Sprint("in-", i), c.lot, c.plate, c.in)
	}
	// want: the look-up opened one write, priced the stay once in it, and
	// opened reads reads.
	want := func(t *testing.T, what string, reads int64) {
		t.Helper()
		if u, p, v := st.updates.Load(), st.pricedInWrite.Load(), st.views.Load(); u != 1 || p != 1 || v != reads {
			t.Fatalf("%s: %d write transactions pricing the stay %d times, and %d reads; want 1 pricing it once, and %d reads",
				what, u, p, v, reads)
		}
	}

	t.Run("Ebopark", func(t *testing.T) {
		fee := func(car string) map[string]any {
			return do("POST", "/partnerService/getProStopWithDeductionV3?partnerid=eb&sign="+eboSecret,
				`{"ParkCode":"cn1","CarNo":"`+car+`"}`)["result"].(map[string]any)
		}
		fee("京A12345") // the partner's credentials are cached from then on
		st.reset()
		if r := fee("京A12345"); r["payFee"].(float64) != 400 || r["orderNo"] == "" {
			t.Fatalf("owing car %v, want 400 fen due and an order", r)
		}
		want(t, "owing car", 0)
		st.reset()
		r := fee("京B12345")
		if r["payFee"].(float64) != 0 || r["orderNo"] != "" || r["freeOutTime"] != "2026-11-23 18:15:00" {
			t.Fatalf("free car %v, want nothing due, no order, free out at 2026-11-23 18:15:00", r)
		}
		want(t, "free car", 1)
	})
	t.Run("Linkc", func(t *testing.T) {
		accept := "application/vnd.linkc.com.br; version=1"
		tok := do("POST", "/api/autenticacao", `{"usuario":"ana","senha":"senha-forte-1"}`, "Accept", accept)["token"].(string)
		look := func(car string) map[string]any {
			return do("GET", "/api/estadias?placa="+car, "", "Accept", accept, "Authorization", "Bearer "+tok)["permanencia"].(map[string]any)
		}
		look("ABC1D23")
		st.reset()
		if r := look("ABC1D23"); r["valor_devido"] != "4.0" || r["transacao"] == nil {
			t.Fatalf("owing car %v, want 4.0 due and a transaction", r)
		}
		want(t, "owing car", 0)
		st.reset()
		r := look("XYZ9K88")
		if r["valor_devido"] != "0.0" || r["transacao"] != nil || r["validade_datahora"] != "2026-11-23T07:15:00-03:00" {
			t.Fatalf("free car %v, want 0.0 due, no transaction, valid until 2026-11-23T07:15:00-03:00", r)
		}
		want(t, "free car", 1)
	})
	t.Run("Native", func(t *testing.T) {
		stays, err := sys.Gate.ListStays(ctx, gate.StayQuery{LotCode: "cn1", Plate: "京B12345"})
		if err != nil || len(stays) != 1 {
			t.Fatalf("stays %v, %v", stays, err)
		}
		st.reset()
		q := do("POST", "/v1/stays/"+stays[0].ID+"/quotes", "", "Authorization", "Bearer "+testAdmin)
		if q["amount_due"].(float64) != 0 || q["leave_by"] != "2026-11-23T10:15:00Z" {
			t.Fatalf("quote %v, want 0 due, leave by 2026-11-23T10:15:00Z", q)
		}
		want(t, "free car's quote", 1)
	})
}
