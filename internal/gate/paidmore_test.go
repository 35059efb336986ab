package gate_test

import (
	"testing"
	"time"

	"parkd/internal/park"
)

// TestStayPricedBelowItsPaymentClosesAtWhatWasPaid: paid 600 at 61 min
// (three started half hours), the car leaves at once, but the exit
// camera runs 4 minutes slow and dates it 58 min, where the stay prices
// at 400 (two half hours). Nothing is due, and the stay closes at the 600
// it was paid, as every stay that leaves owing nothing does: recorded at
// 400, the day's books showed 600 received for stays that cost 400.
func TestStayPricedBelowItsPaymentClosesAtWhatWasPaid(t *testing.T) {
	b := setup(t)
	in := b.Event(t, park.EventEntry, "京A12345", t0)
	b.Clock.Set(t0.Add(61 * time.Minute))
	q, err := b.Sys.Billing.CreateQuote(b.Ctx, in.StayID, "")
	if err != nil || q.AmountDue != 600 {
		t.Fatalf("quote %+v (%v), want 600 due", q, err)
	}
	if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "cash"}); err != nil {
		t.Fatal(err)
	}
	b.Clock.Set(t0.Add(62 * time.Minute))
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(58*time.Minute)), park.DecisionOpen, park.ReasonPaid, 0)
	if st := b.Stay(t, in.StayID); st.Total != 600 || st.Paid != 600 {
		t.Fatalf("stay total %d, paid %d; want 600 and 600", st.Total, st.Paid)
	}
}
