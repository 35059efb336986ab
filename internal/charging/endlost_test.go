package charging_test

import (
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// TestEndLost: a charger forgot its transaction (a reboot without
// StopTransaction) but keeps sending heartbeats, so the sweep never ends
// the session. The operator ends it as lost: billed to its last reading
// (2 kWh at 1.00 yuan/kWh flat: 200 = 120 electricity + 80 service, 300
// of 500 back), its connector free again. A StopTransaction sent later
// with more energy and a later time changes nothing.
func TestEndLost(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 500, 1000)
	sess = r.meter(t, sess, t0.Add(20*time.Minute), 3000, 7000)
	for m := 30; m <= 120; m += 30 {
		r.Clock.Set(t0.Add(time.Duration(m) * time.Minute))
		if err := r.cs.Heartbeat(r.Ctx, "CP1"); err != nil {
			t.Fatal(err)
		}
		if err := r.cs.Sweep(r.Ctx); err != nil {
			t.Fatal(err)
		}
	}
	if s, _ := r.cs.Session(r.Ctx, sess.ID); s.Status != park.SessionCharging {
		t.Fatalf("before the operator: %+v", s)
	}
	s, err := r.cs.EndLost(r.Ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != park.SessionEnded || s.EndReason != park.EndLost || !s.EndedAt.Equal(t0.Add(20*time.Minute)) || s.EnergyWh != 2000 {
		t.Fatalf("ended as lost: %+v", s)
	}
	wantBill(t, s, 200, 120, 300)
	if _, err := r.cs.EndLost(r.Ctx, sess.ID); !park.IsCode(err, park.EConflict) {
		t.Fatalf("ending it again: %v, want a conflict", err)
	}
	c, _ := r.cs.Charger(r.Ctx, "CP1")
	if st, err := r.cs.PortStates(r.Ctx, c); err != nil || st[0].State != charging.PortFree {
		t.Fatalf("connector 1 after: %+v %v", st, err)
	}
	late := r.stop(t, s, t0.Add(130*time.Minute), 9000, park.EndUnplugged)
	if late.Amount != 200 || late.Refund != 300 || late.EnergyWh != 2000 || late.EndReason != park.EndLost ||
		!late.EndedAt.Equal(t0.Add(20*time.Minute)) || late.Version != s.Version {
		t.Fatalf("after a late stop: %+v", late)
	}
	if _, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CP1", Connector: 1, Prepaid: 500}); err != nil {
		t.Fatalf("a new session on the freed connector: %v", err)
	}
}
