package charging_test

import (
	"fmt"
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// A session whose car reported a state of charge of 100 % ends as full
// (end reason 2) when the charger ends it as a stop or an unplugging
// (OCPP has no "full" stop reason): the session's end reason is what the
// native API, the open API's order and the end-of-charge report show. A
// fault, or a stop parkd asked for because the money ran out, keeps its
// own reason.
func TestFullSessionEndsFull(t *testing.T) {
	for _, c := range []struct {
		name       string
		viaReading bool // full from a MeterValues; else from the stop's transactionData
		reason     int
		want       int
	}{
		{"unplugged", true, park.EndUnplugged, park.EndFull},
		{"local stop", true, park.EndManual, park.EndFull},
		{"no reason", true, 0, park.EndFull},
		{"full in stop data", false, park.EndUnplugged, park.EndFull},
		{"fault", true, park.EndFault, park.EndFault},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, park.FamilyCar, energyRules)
			t0 := local(0, 10, 0)
			sess := r.start(t, t0, 1000, 0)
			at := t0.Add(30 * time.Minute)
			r.Clock.Set(at)
			if c.viaReading {
				if err := metered(r.Ctx, r.cs, "CP1", sess.TransactionID, []park.MeterReading{{At: at, EnergyWh: 2000, PowerW: 4000}}, true); err != nil {
					t.Fatal(err)
				}
			}
			r.Clock.Set(at.Add(time.Minute))
			if err := r.cs.ChargerStopped(r.Ctx, charging.Stopped{ChargerID: "CP1", TxID: sess.TransactionID, MeterStop: 2000,
				At: at.Add(time.Minute), Reason: c.reason, Full: !c.viaReading}); err != nil {
				t.Fatal(err)
			}
			s, _ := r.cs.Session(r.Ctx, sess.ID)
			if s.EndReason != c.want || !s.Full {
				t.Fatalf("end reason %d, full %v; want %d", s.EndReason, s.Full, c.want)
			}
		})
	}
	t.Run("money used up", func(t *testing.T) {
		// 5 kWh at 1.00 yuan/kWh uses the 500 paid: parkd asks the stop.
		r := newRig(t, park.FamilyCar, energyRules)
		t0 := local(0, 10, 0)
		sess := r.start(t, t0, 500, 0)
		at := t0.Add(40 * time.Minute)
		r.Clock.Set(at)
		if err := metered(r.Ctx, r.cs, "CP1", sess.TransactionID, []park.MeterReading{{At: at, EnergyWh: 5000, PowerW: 7000}}, true); err != nil {
			t.Fatal(err)
		}
		s := r.stop(t, sess, at.Add(time.Minute), 5000, 0)
		if s.EndReason != park.EndMoneyUsedUp || !s.Full {
			t.Fatalf("end reason %d, full %v; want %d", s.EndReason, s.Full, park.EndMoneyUsedUp)
		}
	})
}

// On a standard that powers off when full (stop_when_full), a state of
// charge of 100 % has parkd ask the charger to stop, for reason full;
// the charger's stop then ends the session as full. Without it, parkd
// lets the charger go on.
func TestStopWhenFullAsksStop(t *testing.T) {
	for _, stopWhenFull := range []bool{true, false} {
		t.Run(fmt.Sprint("stop_when_full=", stopWhenFull), func(t *testing.T) { stopWhenFullCase(t, stopWhenFull) })
	}
}

func stopWhenFullCase(t *testing.T, stopWhenFull bool) {
	rules := energyRules
	rules.StopWhenFull = stopWhenFull
	r := newRig(t, park.FamilyCar, rules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 1000, 0)
	at := t0.Add(30 * time.Minute)
	r.Clock.Set(at)
	if err := metered(r.Ctx, r.cs, "CP1", sess.TransactionID, []park.MeterReading{{At: at, EnergyWh: 2000, PowerW: 4000}}, true); err != nil {
		t.Fatal(err)
	}
	s, _ := r.cs.Session(r.Ctx, sess.ID)
	want := 0
	if stopWhenFull {
		want = 1
	}
	if r.remote.stopCount() != want || stopWhenFull && s.StopReason != park.EndFull {
		t.Fatalf("%d stops, reason %d", r.remote.stopCount(), s.StopReason)
	}
	if s = r.stop(t, s, at.Add(time.Minute), 2000, 0); s.EndReason != park.EndFull {
		t.Fatalf("end reason %d", s.EndReason)
	}
}

// A full car's stop that was never asked (the node stopped between
// answering the MeterValues and asking) is asked by the charging sweep,
// as a used-up prepayment's is.
func TestSweepAsksStopOfAFullCar(t *testing.T) {
	rules := energyRules
	rules.StopWhenFull = true
	r := newRig(t, park.FamilyCar, rules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 1000, 0)
	at := t0.Add(30 * time.Minute)
	r.Clock.Set(at)
	r.cs.Seen("CP1") // the MeterValues, as the central system notes it: online at the sweep
	then, err := r.cs.Metered(r.Ctx, "CP1", sess.TransactionID, []park.MeterReading{{At: at, EnergyWh: 2000, PowerW: 4000}}, true)
	if err != nil || then == nil {
		t.Fatalf("a full car on a standard that stops when full: follow-up %v, err %v", then != nil, err)
	}
	if r.remote.stopCount() != 0 {
		t.Fatal("the stop was asked before the charger had its answer")
	}
	r.Clock.Set(at.Add(10 * time.Second))
	r.sweep(t)
	if s, _ := r.cs.Session(r.Ctx, sess.ID); r.remote.stopCount() != 1 || s.StopReason != park.EndFull {
		t.Fatalf("after the sweep: %d stops, reason %d; want 1, %d", r.remote.stopCount(), s.StopReason, park.EndFull)
	}
}
