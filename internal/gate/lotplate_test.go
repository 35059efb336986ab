package gate_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// lotReads counts the reads of a lot's settings and of a plate's records,
// apart and together, and the look-ups of a car inside that reach the
// store (FindInside).
type lotReads struct{ lot, plate, both, joined, inside atomic.Int64 }

type lotReadsTx struct {
	park.Tx
	n *lotReads
}

func (t lotReadsTx) GetLotSettings(ctx context.Context, code string) (*park.Lot, error) {
	t.n.lot.Add(1)
	return t.Tx.GetLotSettings(ctx, code)
}

func (t lotReadsTx) PlateRecords(ctx context.Context, lot, key string) (park.PlateRecords, error) {
	t.n.plate.Add(1)
	return t.Tx.PlateRecords(ctx, lot, key)
}

func (t lotReadsTx) FindInside(ctx context.Context, lot, key string) (*park.Stay, error) {
	t.n.inside.Add(1)
	return t.Tx.FindInside(ctx, lot, key)
}

func (t lotReadsTx) LotAndPlate(ctx context.Context, lot, key string) (*park.Lot, park.PlateRecords, *park.Stay, error) {
	t.n.both.Add(1)
	l, r, st, err := t.Tx.LotAndPlate(ctx, lot, key)
	if st != nil {
		t.n.joined.Add(1)
	}
	return l, r, st, err
}

// TestGateReadsLotAndPlateTogether: an entry, a held exit, a quote and a
// paid exit each begin with the lot's settings and the car's records,
// read once and together (one statement, one round trip on PostgreSQL),
// and still decide as before: open, hold for 10.00, open once paid. An
// exit reads the car's open stay once, with them where the store joins
// it (PostgreSQL) or by FindInside; the entry and the quote never look
// it up (the records say the entering car is not inside).
func TestGateReadsLotAndPlateTogether(t *testing.T) {
	var n lotReads
	b := systemtest.NewWith(t, systemtest.Options{WrapTx: func(tx park.Tx) park.Tx { return lotReadsTx{tx, &n} }})
	now := b.Clock.Now()
	reset := func() {
		n.lot.Store(0)
		n.plate.Store(0)
		n.both.Store(0)
		n.joined.Store(0)
		n.inside.Store(0)
	}
	// found: how many times the step needs the car's open stay (an exit
	// once), read with the lot (a store reading both in one statement)
	// or by FindInside, never both.
	want := func(step string, found int64) {
		t.Helper()
		if l, p, both := n.lot.Load(), n.plate.Load(), n.both.Load(); l != 0 || p != 0 || both != 1 {
			t.Errorf("%s: the lot read %d times, the plate's records %d, both together %d; want together once only", step, l, p, both)
		}
		if j, in := n.joined.Load(), n.inside.Load(); (j > 0 && in > 0) || in > found || (found > 0 && j+in != found) {
			t.Errorf("%s: the open stay read %d times with the lot and records, %d after; want %d in all, never both", step, j, in, found)
		}
		reset()
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
	reset()
	if d := b.Event(t, park.EventExit, "京A12345", now); d.Decision != park.DecisionOpen {
		t.Fatalf("paid exit: %+v", d)
	}
	want("paid exit", 1)
}
