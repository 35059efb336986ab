package charging_test

import (
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// TestSweep: a session never started fails after PendingFor with its
// prepayment back; a time-priced session runs out of money between
// readings and is asked to stop; a session whose charger went silent ends
// as lost, billed to its last reading.
func TestSweep(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	t0 := local(0, 10, 0)
	r.Clock.Set(t0)
	pending, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CP1", Connector: 2, Prepaid: 300})
	if err != nil {
		t.Fatal(err)
	}
	sess := r.start(t, t0, 100, 0) // connector 1: 1 yuan buys one 240-minute block
	sweep := func(at time.Time) {
		t.Helper()
		r.Clock.Set(at)
		r.sweep(t)
	}
	sweep(t0.Add(charging.PendingFor - time.Second))
	if s, _ := r.cs.Session(r.Ctx, pending.ID); s.Status != park.SessionPending {
		t.Fatalf("failed early: %+v", s)
	}
	sweep(t0.Add(charging.PendingFor))
	if s, _ := r.cs.Session(r.Ctx, pending.ID); s.Status != park.SessionFailed || s.Refund != 300 || s.EndReason != park.EndRefused {
		t.Fatalf("pending after %v: %+v", charging.PendingFor, s)
	}
	r.Clock.Set(t0.Add(236 * time.Minute))
	if err := r.cs.Heartbeat(r.Ctx, "CP1"); err != nil { // its last sign of life, online at the stop
		t.Fatal(err)
	}
	sweep(t0.Add(239 * time.Minute))
	if r.remote.stopCount() != 0 {
		t.Fatal("stopped inside the paid block")
	}
	sweep(t0.Add(240 * time.Minute))
	if s, _ := r.cs.Session(r.Ctx, sess.ID); r.remote.stopCount() != 1 || s.StopReason != park.EndMoneyUsedUp {
		t.Fatalf("at 240 minutes: %d stops, %+v", r.remote.stopCount(), s)
	}
	// The charger never reports the stop and stays silent: a day after its
	// last heartbeat the session ends as lost, billed to that heartbeat
	// (236 minutes: one block, 1 yuan).
	sweep(t0.Add(236*time.Minute + charging.LostAfter - time.Second))
	if s, _ := r.cs.Session(r.Ctx, sess.ID); s.Status != park.SessionCharging {
		t.Fatalf("lost too early: %+v", s)
	}
	sweep(t0.Add(236*time.Minute + charging.LostAfter))
	s, _ := r.cs.Session(r.Ctx, sess.ID)
	if s.Status != park.SessionEnded || s.EndReason != park.EndLost || s.Amount != 100 || s.Refund != 0 ||
		!s.EndedAt.Equal(t0.Add(236*time.Minute)) {
		t.Fatalf("lost: %+v", s)
	}
}
