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
	r.sweep(t)
	if s, _ := r.cs.Session(r.Ctx, sess.ID); s.StopAsked != nil || r.remote.stopCount() != 0 {
		t.Fatalf("100 fen, the first block, asked to stop at once: %+v", s)
	}
}

// By energy nothing is billed before the first kWh: any prepayment starts.
func TestSmallPrepaymentByEnergyStarts(t *testing.T) {
	r := newRig(t, park.FamilyCar, energyRules)
	r.start(t, local(0, 10, 0), 1, 0)
}

// By power the band is known only from the charger's readings, so the
// first block a prepayment must pay is the dearest band's: powerRules
// charges 50, 80 or 120 fen for the first started hour by band. A
// charger drawing 1200 W bills 120 for its first hour, so 50 (the lowest
// band's block) would be out of money at its first reading and is
// refused, naming 120; 119 too; 120 starts, and at a 1200 W reading ten
// seconds in its next minute costs 120 ≤ 120: not asked to stop.
func TestPrepaymentBelowDearestPowerBandRefused(t *testing.T) {
	for _, measure := range []string{"average", "maximum"} {
		t.Run(measure, func(t *testing.T) {
			r := newRig(t, park.FamilyTwoWheeler, powerRules(measure))
			t0 := local(0, 10, 0)
			r.Clock.Set(t0)
			for _, pay := range []int64{50, 119} {
				_, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CP1", Connector: 1, Prepaid: pay, Source: park.SourceNative})
				systemtest.WantCode(t, err, park.EInvalid)
				pe, _ := err.(*park.Error)
				if pe == nil || pe.Field != "prepaid" || pe.Reason != park.ReasonRange || len(pe.Params) != 2 || pe.Params[0] != "120" {
					t.Fatalf("%d paid: refusal %#v, want prepaid out of range from 120", pay, err)
				}
			}
			if len(r.remote.starts) != 0 {
				t.Fatal("a refused start reached the charger")
			}
			sess := r.start(t, t0, 120, 0)
			sess = r.meter(t, sess, t0.Add(10*time.Second), 3, 1200)
			if sess.StopAsked != nil || r.remote.stopCount() != 0 {
				t.Fatalf("120 fen, the 1200 W band's first block, asked to stop at once: %+v", sess)
			}
		})
	}
}

// The dearest band, not the highest: where more power is cheaper (0-500 W
// 150 fen an hour, 500 W and above 100), a start needs 150.
func TestPrepaymentDearestPowerBandNotHighest(t *testing.T) {
	rules := park.ChargeRules{Kind: "power", PowerMeasure: "maximum", Payment: "prepaid", RefundTo: "balance",
		Segments: []park.ChargeSegment{
			{From: "00:00", To: "24:00", Price: 150, BlockMinutes: 60, MinPowerW: 0, MaxPowerW: 500},
			{From: "00:00", To: "24:00", Price: 100, BlockMinutes: 60, MinPowerW: 500},
		}}
	r := newRig(t, park.FamilyTwoWheeler, rules)
	r.Clock.Set(local(0, 10, 0))
	_, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CP1", Connector: 1, Prepaid: 149, Source: park.SourceNative})
	if pe, _ := err.(*park.Error); pe == nil || pe.Field != "prepaid" || len(pe.Params) != 2 || pe.Params[0] != "150" {
		t.Fatalf("149 paid: %v, want prepaid out of range from 150", err)
	}
	r.start(t, local(0, 10, 0), 150, 0)
}
