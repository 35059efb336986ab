package charging_test

import (
	"testing"
	"time"

	"parkd/internal/park"
)

// Energy by energyRules: in the flat period (07:00-23:00) a kWh costs 60
// fen of electricity and 40 of service.

// A charger whose clock reset on a power loss dates its stop 1970. The
// session ends at its newest reading, the last time it is known to have
// charged, and meterStop is the final register: 6 kWh flat = 360 + 240 =
// 600 fen, 400 of the 1,000 paid back.
func TestStopDatedBeforeLastReading(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 1000, 0)
	sess = r.meter(t, sess, t0.Add(5*time.Minute), 5000, 7000)
	wantBill(t, sess, 500, 300, 500)
	sess = r.stopDated(t, sess, t0.Add(10*time.Minute), time.Date(1970, 1, 1, 0, 0, 10, 0, time.UTC), 6000, park.EndFault)
	wantBill(t, sess, 600, 360, 400)
	if sess.EnergyWh != 6000 || sess.EndedAt == nil || !sess.EndedAt.Equal(t0.Add(5*time.Minute)) {
		t.Fatalf("ended at %v with %d Wh, want at the 10:05 reading with 6000 Wh", sess.EndedAt, sess.EnergyWh)
	}
}

// Start and stop in the same second: no time passed, yet 2.5 kWh were
// delivered: 2500 × 60/1000 = 150 + 2500 × 40/1000 = 100 = 250 fen.
func TestStopInStartSecond(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 1000, 0)
	sess = r.stop(t, sess, t0, 2500, 0)
	wantBill(t, sess, 250, 150, 750)
	if sess.EnergyWh != 2500 {
		t.Fatalf("%d Wh billed, want 2500", sess.EnergyWh)
	}
}

// A remotely started session with 10 yuan paid records 2 kWh and stops in
// the second it started: 2 kWh cost 120 + 80 = 200 fen, and only the
// unused 800 go back.
func TestPrepaidStopInStartSecondRefundsUnused(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 1000, 0)
	sess = r.meter(t, sess, t0, 2000, 7000)
	sess = r.stop(t, sess, t0, 2000, 0)
	wantBill(t, sess, 200, 120, 800)
	if sess.EnergyWh != 2000 || sess.RefundTo != "balance" {
		t.Fatalf("ended %+v", sess)
	}
}
