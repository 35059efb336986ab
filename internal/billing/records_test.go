package billing_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// countingTx counts the statements reading plate records (PlateRecords,
// LotAndPlate) it sends.
type countingTx struct {
	park.Tx
	n *atomic.Int64
}

func (t countingTx) PlateRecords(ctx context.Context, lot, key string) (park.PlateRecords, error) {
	t.n.Add(1)
	return t.Tx.PlateRecords(ctx, lot, key)
}

func (t countingTx) LotAndPlate(ctx context.Context, lot, key string) (*park.Lot, park.PlateRecords, *park.Stay, error) {
	t.n.Add(1)
	return t.Tx.LotAndPlate(ctx, lot, key)
}

// A payment's reply says until when the car may leave, which prices the
// stay at the payment's instant and again at the end of the time paid
// for. The plate's records (list entries, passes, coupons...) are the
// same for both prices of one read, so they are read once: a payment is
// one statement fewer on the database every car at a held exit waits on.
func TestPaymentLeaveByReadsRecordsOnce(t *testing.T) {
	var n atomic.Int64
	b := systemtest.NewWith(t, systemtest.Options{WrapTx: func(tx park.Tx) park.Tx { return countingTx{tx, &n} }})
	now := b.Clock.Now()
	b.Event(t, park.EventEntry, "京A12345", now.Add(-130*time.Minute))
	d := b.Event(t, park.EventExit, "京A12345", now)
	q, err := b.Sys.Billing.CreateQuote(b.Ctx, d.StayID, "")
	if err != nil {
		t.Fatal(err)
	}
	// 2 h 10 min is 5 started half hours: 5 × 2.00 = 10.00 due.
	if q.AmountDue != 1000 {
		t.Fatalf("amount due %d, want 1000", q.AmountDue)
	}
	n.Store(0)
	res, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: 1000, Method: "cash"})
	if err != nil {
		t.Fatal(err)
	}
	// Paid until now + 15 min (the exit grace); the 6th half hour starts
	// at entry + 2 h 30 min = now + 20 min, later, so that is the leave-by.
	if want := now.Add(20 * time.Minute); !res.LeaveBy.Equal(want) {
		t.Errorf("leave by %s, want %s", res.LeaveBy, want)
	}
	if got := n.Load(); got != 1 {
		t.Errorf("the payment read the plate's records %d times, want once", got)
	}
}
