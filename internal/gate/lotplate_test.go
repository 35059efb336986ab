package gate_test

import (
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// TestGateReadsLotAndPlateTogether: an entry, a held exit, a quote and a
// paid exit each begin with the lot's settings and the car's records,
// read once and together (one statement, one round trip on PostgreSQL),
// and still decide as before: open, hold for 10.00, open once paid. An
// exit reads the car's open stay once, with them where the store joins
// it (PostgreSQL) or by FindInside; the entry and the quote never look
// it up (the records say the entering car is not inside).
func TestGateReadsLotAndPlateTogether(t *testing.T) {
	var n systemtest.LotReads
	b := systemtest.NewWith(t, systemtest.Options{WrapTx: n.Wrap})
	now := b.Clock.Now()
	// found: how many times the step needs the car's open stay (an exit
	// once).
	want := func(step string, found int64) {
		t.Helper()
		if l, p, both := n.Lot.Load(), n.Plate.Load(), n.Both.Load(); l != 0 || p != 0 || both != 1 {
			t.Errorf("%s: the lot read %d times, the plate's records %d, both together %d; want together once only", step, l, p, both)
		}
		if !n.StayFound(found) {
			t.Errorf("%s: the open stay read %d times with the lot and records, %d after; want %d in all, never both", step, n.Joined.Load(), n.Inside.Load(), found)
		}
		n.Reset()
	}
	if d := b.Event(t, park.EventEntry, "京A12345", now.Add(-130*time.Minute)); d.Decision != park.DecisionOpen {
		t.Fatalf("entry: %+v", d)
	}
	want("entry", 0)
	d := b.Event(t, park.EventExit, "京A12345", now)
	// 2 h 10 min is 5 started half hours: 5 × 2.00 = 10.00 due.
	if d.Decision != park.DecisionHold || d.AmountDue != 1000 {
		t.Fatalf("held exit: %+v, want hold for 1000", d)
	}
	want("held exit", 1)
	q, err := b.Sys.Billing.CreateQuote(b.Ctx, d.StayID, "")
	if err != nil || q.AmountDue != 1000 {
		t.Fatalf("quote: %+v, %v; want 1000 due", q, err)
	}
	want("quote", 0)
	if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 1000, Method: "cash"}); err != nil {
		t.Fatal(err)
	}
	n.Reset()
	if d := b.Event(t, park.EventExit, "京A12345", now); d.Decision != park.DecisionOpen {
		t.Fatalf("paid exit: %+v", d)
	}
	want("paid exit", 1)
}
