package charging_test

import (
	"testing"
	"time"

	"parkd/internal/park"
)

// The driver stops 2 seconds before the seed's first 240-minute block
// ends; the charger takes 3 seconds to stop. Billed time ends at the stop
// parkd asked for: one block (100 fen), 200 of the 300 back, not a second
// block started at the driver's cost by the charger's delay.
func TestStopAskedEndsBilledTime(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 300, 0)
	r.Clock.Set(t0.Add(240*time.Minute - 2*time.Second))
	if _, err := r.cs.StopSession(r.Ctx, sess.ID, ""); err != nil {
		t.Fatal(err)
	}
	sess = r.stop(t, sess, t0.Add(240*time.Minute+time.Second), 400, 0)
	wantBill(t, sess, 100, 0, 200)
	if sess.EndReason != park.EndManual || !sess.EndedAt.Equal(t0.Add(240*time.Minute+time.Second)) {
		t.Fatalf("ended %v, reason %d", sess.EndedAt, sess.EndReason)
	}
}

// The charger's connection is down when the driver stops at 100 minutes
// (the stop is asked, the charger cannot hear it); it comes back at 300
// minutes and stops then, the stop asked again. Billed to 100 minutes:
// one block, 100 fen, 200 back; the reading it sends on its return, at
// 300 minutes, does not bill a second block in the meantime either.
func TestStopAskedWhileOfflineEndsBilledTime(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	t0 := local(0, 22, 0) // across midnight, in one all-day segment
	sess := r.start(t, t0, 300, 0)
	r.remote.stopAnswer = "offline"
	r.Clock.Set(t0.Add(100 * time.Minute))
	if _, err := r.cs.StopSession(r.Ctx, sess.ID, ""); err != nil {
		t.Fatal(err)
	}
	r.remote.stopAnswer = ""
	sess = r.meter(t, sess, t0.Add(300*time.Minute), 900, 80)
	if sess.Amount != 100 {
		t.Fatalf("charging on past the stop: amount %d, want 100", sess.Amount)
	}
	sess = r.stop(t, sess, t0.Add(300*time.Minute+5*time.Second), 905, 0)
	wantBill(t, sess, 100, 0, 200)
}
