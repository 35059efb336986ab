package gate_test

import (
	"testing"
	"time"

	"parkd/internal/park"
)

// TestCameraClockAheadDoesNotEatTheExitGrace: paid 400 at 59 min
// (paid_until 74 min); the car is at the exit barrier at 72 min by the
// server's clock, but the lane's camera runs 4 minutes fast and dates the
// exit 76 min. A car cannot leave in the future: the exit is priced at
// the server's 72 min, inside the grace, so the barrier opens. Dated by
// the camera it would owe the 74-76 overtime (one block, 200).
func TestCameraClockAheadDoesNotEatTheExitGrace(t *testing.T) {
	b := setup(t)
	in := b.Event(t, park.EventEntry, "京A12345", t0)
	b.Clock.Set(t0.Add(59 * time.Minute))
	q, err := b.Sys.Billing.CreateQuote(b.Ctx, in.StayID, "")
	if err != nil || q.AmountDue != 400 {
		t.Fatalf("quote %+v (%v), want 400 due", q, err)
	}
	if _, err := b.Sys.Billing.Pay(b.Ctx, park.PaymentRequest{QuoteID: q.ID, Amount: q.AmountDue, Method: "cash"}); err != nil {
		t.Fatal(err)
	}
	b.Clock.Set(t0.Add(72 * time.Minute))
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(76*time.Minute)), park.DecisionOpen, park.ReasonPaid, 0)
	if st := b.Stay(t, in.StayID); st.Total != 400 || !st.ExitAt.Equal(t0.Add(72*time.Minute)) {
		t.Fatalf("stay total %d, exit %v; want 400 at %v", st.Total, st.ExitAt, t0.Add(72*time.Minute))
	}
}
