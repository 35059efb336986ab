package gate_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// enrolmentsTx counts the enrolment look-ups (FindEnrolment) it makes.
type enrolmentsTx struct {
	park.Tx
	n *atomic.Int64
}

func (t enrolmentsTx) FindEnrolment(ctx context.Context, lot, key string) (*park.Enrolment, error) {
	t.n.Add(1)
	return t.Tx.FindEnrolment(ctx, lot, key)
}

// A car held at the exit for money due could be paid by a sensorless
// partner only if one subscribed to sensorless exits at the lot; the
// transaction knows the lot's subscriptions already (it read the lot), so
// without one the car's enrolments are not looked up: one statement
// fewer on every held exit. With one, they are, and the partner is asked
// (internal/deliveries' sensorless tests).
func TestHeldExitWithoutSensorlessSubscriptionSkipsEnrolments(t *testing.T) {
	var n atomic.Int64
	b := &bundle{systemtest.NewWith(t, systemtest.Options{WrapTx: func(tx park.Tx) park.Tx { return enrolmentsTx{tx, &n} }})}
	b.Subscribe(t, park.ReportEntry) // partner ops, another kind: no sensorless exit
	if _, err := b.Sys.Partners.Enrol(b.Ctx, "ops", "京A12345"); err != nil {
		t.Fatal(err)
	}
	now := b.Clock.Now()
	b.Event(t, park.EventEntry, "京A12345", now.Add(-2*time.Hour))
	n.Store(0)
	d := b.Event(t, park.EventExit, "京A12345", now)
	// 2 h is 4 half hours: 4 × 2.00 = 8.00 due, so the exit holds.
	wantDecision(t, d, park.DecisionHold, park.ReasonPaymentRequired, 800)
	if got := n.Load(); got != 0 {
		t.Errorf("the held exit looked up enrolments %d times, want none (nobody subscribed to sensorless exits)", got)
	}
}
