package billing_test

import (
	"encoding/json"
	"testing"
	"time"

	"parkd/internal/park"
)

// TestReceivedTodayOnADaySkippingMidnight: in Santiago 2026-09-06 begins
// at 01:00 (-03), the clocks jumping from 00:00 (-04). A payment at
// 23:30 (-04) on Sep 5 belongs to Sep 5, not to Sep 6's takings.
func TestReceivedTodayOnADaySkippingMidnight(t *testing.T) {
	scl, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	b := setup(t)
	entry := time.Date(2026, 9, 5, 21, 0, 0, 0, scl)
	b.Clock.Set(entry)
	if _, err := b.Sys.Gate.CreateLot(b.Ctx, &park.Lot{Code: "scl", Name: "Santiago", TimeZone: "America/Santiago",
		Currency: "CLP", Capacity: 10, ExitGraceMinutes: 15, MissedEntry: park.MissedEntryHold,
		Tariff: json.RawMessage(`{"every":{"minutes":60,"price":100}}`)}); err != nil {
		t.Fatal(err)
	}
	b.Lot = "scl"
	d := b.Event(t, park.EventEntry, "京A12345", entry)
	b.Clock.Set(time.Date(2026, 9, 5, 23, 30, 0, 0, scl))
	q := b.quote(t, d.StayID)
	if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "cash"}); err != nil {
		t.Fatal(err)
	}
	b.Clock.Set(time.Date(2026, 9, 6, 10, 0, 0, 0, scl))
	r, err := b.Sys.Billing.ReceivedToday(b.Ctx, "scl")
	if err != nil {
		t.Fatal(err)
	}
	if r.Day != "2026-09-06" || r.Sum.Count != 0 || r.Sum.Amount != 0 {
		t.Fatalf("day %s received %+v, want 2026-09-06 with nothing received", r.Day, r.Sum)
	}
}
