package gate_test

import (
	"testing"
	"time"

	"parkd/internal/gate"
	"parkd/internal/park"
)

// TestOpenAfterOfflineRecordLetsHeldCarOut: an offline exit record the
// lane's camera replays after it has held a car is placed at the time its
// car passed, before the hold: the held car is still the car at the lane,
// and an operator's open lets that car out, not nothing.
func TestOpenAfterOfflineRecordLetsHeldCarOut(t *testing.T) {
	b := setup(t)
	b.Clock.Set(t0)
	a := b.Event(t, park.EventEntry, "京A12345", t0)
	b.Clock.Set(t0.Add(5 * time.Minute))
	bb := b.Event(t, park.EventEntry, "京B12345", t0.Add(5*time.Minute))
	// A is read leaving after 50 minutes: 2 started half-hours, 400 due, held.
	b.Clock.Set(t0.Add(50 * time.Minute))
	wantDecision(t, b.Event(t, park.EventExit, "京A12345", t0.Add(50*time.Minute)), park.DecisionHold, park.ReasonPaymentRequired, 400)
	// At 52 minutes the camera replays B's exit, which passed at 40
	// minutes while the lane was offline.
	b.Clock.Set(t0.Add(52 * time.Minute))
	if _, err := b.Sys.Gate.HandleEvent(b.Ctx, gate.EventInput{LotCode: b.Lot, ID: "offline-b", Type: park.EventExit,
		Plate: "京B12345", Lane: "out-1", At: t0.Add(40 * time.Minute), Passed: true}); err != nil {
		t.Fatal(err)
	}
	if st := b.Stay(t, bb.StayID); st.State != park.StayOut || !st.ExitAt.Equal(t0.Add(40*time.Minute)) {
		t.Fatalf("B's stay %+v: want out at its offline exit, %s", st, t0.Add(40*time.Minute))
	}
	// The operator opens at 65 minutes: A is let out, 3 started
	// half-hours (65 min), 600 unpaid.
	opened := t0.Add(65 * time.Minute)
	b.Clock.Set(opened)
	if _, err := b.gate(t, "out-1", park.GateOpen); err != nil {
		t.Fatal(err)
	}
	st := b.Stay(t, a.StayID)
	if st.State != park.StayOut || st.ExitAt == nil || !st.ExitAt.Equal(opened) || st.Anomaly != park.AnomalyLetOut ||
		st.Total != 600 || st.Paid != 0 {
		t.Fatalf("A's stay after the open: %+v, want out at %s, let_out, total 600, paid 0", st, opened)
	}
	if n := b.Occupied(t); n != 0 {
		t.Fatalf("occupied %d after the open, want 0 (A let out, B left offline)", n)
	}
}
