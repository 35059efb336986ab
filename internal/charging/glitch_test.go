package charging_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// 60 + 40 fen/kWh all day, billed by use (nothing prepaid, no cap).
var byUseEnergyRules = park.ChargeRules{Kind: "energy", Payment: "balance", RefundTo: "balance",
	Segments: []park.ChargeSegment{{From: "00:00", To: "24:00", Price: 60, ServiceFee: 40, Period: "flat"}}}

// wantGlitches checks the lot's anomalies: n of kind meter_glitch.
func wantGlitches(t *testing.T, r *rig, n int) {
	t.Helper()
	as, err := r.Sys.Gate.ListAnomalies(r.Ctx, r.Lot, 50)
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, a := range as {
		if a.Kind == park.AnomalyMeterGlitch {
			got++
			if !strings.Contains(a.Detail, "CP1") {
				t.Errorf("anomaly detail %q names no charger", a.Detail)
			}
		}
	}
	if got != n {
		t.Fatalf("%d meter_glitch anomalies, want %d (%+v)", got, n, as)
	}
}

// anomaliesOf is the lot's anomalies of kind, newest first, as the
// native API lists them.
func anomaliesOf(t *testing.T, r *rig, kind string) []*park.Anomaly {
	t.Helper()
	as, err := r.Sys.Gate.ListAnomalies(r.Ctx, r.Lot, 50)
	if err != nil {
		t.Fatal(err)
	}
	var out []*park.Anomaly
	for _, a := range as {
		if a.Kind == kind {
			out = append(out, a)
		}
	}
	return out
}

// A normal session is billed as always: 22 kWh in an hour (22 kW) at
// 60 + 40 fen = 1,320 + 880 = 2,200 fen, and no anomaly.
func TestPlausibleSessionBilledInFull(t *testing.T) {
	r := newRig(t, park.FamilyCar, byUseEnergyRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 0, 1_000_000)
	sess = r.meter(t, sess, t0.Add(30*time.Minute), 1_011_000, 22_000)
	wantBill(t, sess, 1100, 660, 0)
	sess = r.stop(t, sess, t0.Add(60*time.Minute), 1_022_000, park.EndUnplugged)
	wantBill(t, sess, 2200, 1320, 0)
	if sess.EnergyWh != 22_000 {
		t.Fatalf("energy %d Wh, want 22000", sess.EnergyWh)
	}
	wantGlitches(t, r, 0)
}

// A MeterValues register that jumps beyond what any connector delivers
// (10^12 Wh a minute after 1,011,000 Wh; at most 500 kW for the minute
// and a minute's grace, 16,666 Wh, is believed) is kept and reported to
// the operator, not billed: the bill stays at 11 kWh, 1,100 fen. The
// next plausible reading bills on from the last plausible one.
func TestMeterGlitchNotBilled(t *testing.T) {
	r := newRig(t, park.FamilyCar, byUseEnergyRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 0, 1_000_000)
	sess = r.meter(t, sess, t0.Add(30*time.Minute), 1_011_000, 22_000)
	sess = r.meter(t, sess, t0.Add(31*time.Minute), charging.MaxRegisterWh, 22_000)
	wantBill(t, sess, 1100, 660, 0)
	if sess.EnergyWh != 11_000 || len(sess.Readings) != 2 {
		t.Fatalf("energy %d Wh, %d readings kept; want 11000 Wh, 2", sess.EnergyWh, len(sess.Readings))
	}
	wantGlitches(t, r, 1)
	// 10:32, 1,011,800 Wh: 11.8 kWh = 708 + 472 fen.
	sess = r.meter(t, sess, t0.Add(32*time.Minute), 1_011_800, 22_000)
	wantBill(t, sess, 1180, 708, 0)
	sess = r.stop(t, sess, t0.Add(60*time.Minute), 1_022_000, park.EndUnplugged)
	wantBill(t, sess, 2200, 1320, 0)
	wantGlitches(t, r, 1)
}

// A StopTransaction whose meterStop jumps 200 kWh in the minute after the
// last reading (500 kW for two minutes is 16,666 Wh) ends the session
// billed at its last plausible reading, 11 kWh = 1,100 fen.
func TestMeterGlitchAtStopNotBilled(t *testing.T) {
	r := newRig(t, park.FamilyCar, byUseEnergyRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 0, 1_000_000)
	sess = r.meter(t, sess, t0.Add(30*time.Minute), 1_011_000, 22_000)
	sess = r.stop(t, sess, t0.Add(31*time.Minute), 1_211_000, park.EndUnplugged)
	if sess.Status != park.SessionEnded {
		t.Fatalf("status %s, want ended", sess.Status)
	}
	wantBill(t, sess, 1100, 660, 0)
	if sess.EnergyWh != 11_000 {
		t.Fatalf("energy %d Wh, want 11000", sess.EnergyWh)
	}
	wantGlitches(t, r, 1)
}

// The bound itself: 16,666 Wh in the first minute (500 kW for the minute
// plus a minute's grace is 16,666.7 Wh) is billed, 16,667 is not.
func TestMeterGlitchBound(t *testing.T) {
	for _, c := range []struct{ wh, billed int64 }{{16_667, 0}, {16_666, 16_666}} {
		t.Run(fmt.Sprint(c.wh), func(t *testing.T) {
			r := newRig(t, park.FamilyCar, byUseEnergyRules)
			t0 := local(0, 10, 0)
			sess := r.start(t, t0, 0, 0)
			sess = r.meter(t, sess, t0.Add(time.Minute), c.wh, 22_000)
			if sess.EnergyWh != c.billed {
				t.Fatalf("%d Wh read: %d Wh billed, want %d", c.wh, sess.EnergyWh, c.billed)
			}
		})
	}
}
