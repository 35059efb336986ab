package gate_test

import (
	"encoding/json"
	"testing"
	"time"

	"parkd/internal/park"
)

func TestCreateLotValidation(t *testing.T) {
	b := setup(t)
	good := func() *park.Lot {
		return &park.Lot{Code: "510185001", Name: "Garage", TimeZone: "America/Sao_Paulo", Currency: "BRL", Capacity: 50, ExitGraceMinutes: 15}
	}
	cases := map[string]func(*park.Lot){
		"code":      func(l *park.Lot) { l.Code = "has space" },
		"name":      func(l *park.Lot) { l.Name = "" },
		"timezone":  func(l *park.Lot) { l.TimeZone = "Mars/Olympus" },
		"currency":  func(l *park.Lot) { l.Currency = "XYZ" },
		"capacity":  func(l *park.Lot) { l.Capacity = -1 },
		"tariff":    func(l *park.Lot) { l.Tariff = json.RawMessage(`{"every":{"minutes":0,"price":100}}`) },
		"ttl":       func(l *park.Lot) { l.QuoteTTLSeconds = 5 },
		"missed":    func(l *park.Lot) { l.MissedEntry = "maybe" },
		"local tz":  func(l *park.Lot) { l.TimeZone = "Local" },
		"neg grace": func(l *park.Lot) { l.ExitGraceMinutes = -1 },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			l := good()
			mutate(l)
			_, err := b.Sys.Gate.CreateLot(b.Ctx, l)
			wantCode(t, err, park.EInvalid)
		})
	}
	l, err := b.Sys.Gate.CreateLot(b.Ctx, good())
	if err != nil {
		t.Fatal(err)
	}
	if l.QuoteTTLSeconds != park.DefaultQuoteTTLSeconds || l.MissedEntry != park.MissedEntryHold {
		t.Fatalf("defaults not applied: %+v", l)
	}
	_, err = b.Sys.Gate.CreateLot(b.Ctx, good())
	wantCode(t, err, park.EConflict)
}

func TestTariffChangeReprices(t *testing.T) {
	b := setup(t)
	in := b.Event(t, park.EventEntry, "京A12345", t0)
	if _, err := b.Sys.Gate.SetTariff(b.Ctx, b.Lot, []byte(`{"every":{"minutes":60,"price":1000}}`)); err != nil {
		t.Fatal(err)
	}
	b.Clock.Set(t0.Add(90 * time.Minute))
	q, err := b.Sys.Billing.CreateQuote(b.Ctx, in.StayID, "")
	if err != nil {
		t.Fatal(err)
	}
	if q.AmountDue != 2000 { // two started hours at 10.00
		t.Fatalf("due %d after the tariff changed, want 2000", q.AmountDue)
	}
	_, err = b.Sys.Gate.SetTariff(b.Ctx, b.Lot, []byte(`{"every":{"minutes":60,"price":-1}}`))
	wantCode(t, err, park.EInvalid)
}
