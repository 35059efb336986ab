package charging_test

import (
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// A prepayment that does not pay the first block is refused: a started
// block is paid whole, so the session would be asked to stop as out of
// money at its first reading or sweep, the whole prepayment kept for
// seconds of charging. The seed's standard costs 100 fen for the first
// 240 minutes: 99 is refused, naming the least that starts (100), and
// changes nothing; 100 starts.
func TestPrepaymentBelowFirstBlockRefused(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	r.Clock.Set(local(0, 10, 0))
	_, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CP1", Connector: 1, Prepaid: 99, Source: park.SourceNative})
	systemtest.WantCode(t, err, park.EInvalid)
	pe, _ := err.(*park.Error)
	if pe == nil || pe.Field != "prepaid" || pe.Reason != park.ReasonRange || len(pe.Params) != 2 || pe.Params[0] != "100" {
		t.Fatalf("refusal %#v, want prepaid out of range from 100", err)
	}
	if r.remote.stopCount() != 0 || len(r.remote.starts) != 0 {
		t.Fatal("a refused start reached the charger")
	}
	sess := r.start(t, local(0, 10, 0), 100, 0)
	r.Clock.Set(local(0, 10, 0).Add(10 * time.Second))
	if err := r.cs.Sweep(r.Ctx); err != nil {
		t.Fatal(err)
	}
	if s, _ := r.cs.Session(r.Ctx, sess.ID); s.StopAsked != nil || r.remote.stopCount() != 0 {
		t.Fatalf("100 fen, the first block, asked to stop at once: %+v", s)
	}
}

// By energy nothing is billed before the first kWh: any prepayment starts.
func TestSmallPrepaymentByEnergyStarts(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	r.start(t, local(0, 10, 0), 1, 0)
}
