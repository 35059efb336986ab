package charging_test

import (
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// energyRules paid from a balance: a session started with money set
// aside (a partner's prepayment on such a standard).
var balanceEnergyRules = func() park.ChargeRules {
	r := energyRules
	r.Payment = "balance"
	return r
}()

// The charger refuses the stop parkd asks for when 5 yuan of energy is
// used (flat 1.00 yuan/kWh) and charges on: a reading within a minute of
// the ask does not ask again, the first one a minute after does. It stops
// at 5.6 kWh: 560 fen metered (336 electricity + 224 service), billed at
// the 500 set aside, the 60 cut from the service fee; nothing refunded.
func TestStopAskedAgainAtReading(t *testing.T) {
	r := newRig(t, park.FamilyCar, balanceEnergyRules)
	r.remote.stopAnswer = "Rejected"
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 500, 1000)
	sess = r.meter(t, sess, t0.Add(40*time.Minute), 6000, 7000)
	if r.remote.stopCount() != 1 || sess.StopReason != park.EndMoneyUsedUp {
		t.Fatalf("at 5 kWh: %d stops, reason %d", r.remote.stopCount(), sess.StopReason)
	}
	asked := *sess.StopAsked
	sess = r.meter(t, sess, t0.Add(40*time.Minute+30*time.Second), 6100, 7000)
	if r.remote.stopCount() != 1 {
		t.Fatalf("asked again within a minute: %d stops", r.remote.stopCount())
	}
	sess = r.meter(t, sess, t0.Add(41*time.Minute), 6200, 7000)
	if r.remote.stopCount() != 2 || sess.StopAsks != 2 || !sess.StopAsked.Equal(asked) || sess.StopReason != park.EndMoneyUsedUp {
		t.Fatalf("a minute after a refused stop: %d stops, %+v", r.remote.stopCount(), sess)
	}
	if c, _ := r.cs.Charger(r.Ctx, "CP1"); len(c.Commands) != 3 || c.Commands[2].Command != "RemoteStopTransaction" || c.Commands[2].Status != "Rejected" {
		t.Fatalf("command log: %+v", c.Commands)
	}
	if sess.Amount != 500 || sess.Refund != 0 {
		t.Fatalf("bill while charging on: amount %d, refund %d; want 500, 0", sess.Amount, sess.Refund)
	}
	sess = r.stop(t, sess, t0.Add(45*time.Minute), 6600, 0)
	wantBill(t, sess, 500, 336, 0)
	if sess.EndReason != park.EndMoneyUsedUp {
		t.Fatalf("end reason %d", sess.EndReason)
	}
}

// A driver's stop the charger does not answer is asked again by the
// sweep while the charger is online, a minute after each ask, and no more
// than MaxStopAsks times in all.
func TestSweepAsksStopAgain(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	r.remote.stopAnswer = "Rejected"
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 300, 0)
	sweep := func(at time.Time) {
		t.Helper()
		r.Clock.Set(at)
		if err := r.cs.Heartbeat(r.Ctx, "CP1"); err != nil { // online, and seen
			t.Fatal(err)
		}
		r.sweep(t)
	}
	r.Clock.Set(t0.Add(10 * time.Minute))
	if _, err := r.cs.StopSession(r.Ctx, sess.ID, ""); err != nil {
		t.Fatal(err)
	}
	sweep(t0.Add(10*time.Minute + 50*time.Second))
	if r.remote.stopCount() != 1 {
		t.Fatalf("asked again within a minute: %d stops", r.remote.stopCount())
	}
	sweep(t0.Add(11 * time.Minute))
	if r.remote.stopCount() != 2 {
		t.Fatalf("a minute after: %d stops, want 2", r.remote.stopCount())
	}
	for m := 12; m < 40; m++ {
		sweep(t0.Add(time.Duration(m) * time.Minute))
	}
	s, _ := r.cs.Session(r.Ctx, sess.ID)
	if r.remote.stopCount() != charging.MaxStopAsks || s.StopAsks != charging.MaxStopAsks || s.StopReason != park.EndManual {
		t.Fatalf("after 30 minutes: %d stops, %+v; want %d", r.remote.stopCount(), s, charging.MaxStopAsks)
	}
	// The prepaid standard caps the bill at the 300 paid: 30 minutes is one
	// 240-minute block, 100 fen, 200 back.
	s = r.stop(t, s, t0.Add(40*time.Minute), 10, 0)
	wantBill(t, s, 100, 0, 200)
	if s.EndReason != park.EndManual {
		t.Fatalf("end reason %d", s.EndReason)
	}
}
