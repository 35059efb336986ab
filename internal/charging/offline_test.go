package charging_test

import (
	"bytes"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// offline takes CP1 offline: its connection ends, and the charger
// answers nothing.
func (r *rig) offline(t *testing.T) {
	t.Helper()
	if err := r.cs.Disconnected(r.Ctx, "CP1", r.conn); err != nil {
		t.Fatal(err)
	}
	r.remote.mu.Lock()
	r.remote.offline = true
	r.remote.mu.Unlock()
}

// A start on a charger that is offline is refused as such, and no order
// is made: before, the session was written and failed at once, an order
// the driver saw fail without ever charging.
func TestStartOnOfflineChargerRefused(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	r.offline(t)
	r.Clock.Set(local(0, 10, 0))
	_, err := r.cs.StartSession(r.Ctx, charging.StartInput{ChargerID: "CP1", Connector: 1, Prepaid: 300, Source: park.SourceNative})
	systemtest.WantCode(t, err, park.EConflict)
	if pe, _ := err.(*park.Error); pe == nil || pe.Field != "charger_id" || pe.Reason != park.ReasonNotConnected {
		t.Fatalf("refusal %#v, want charger_id not connected", err)
	}
	if p, err := r.cs.Sessions(r.Ctx, park.ChargeSessionFilter{Limit: 10}, 0); err != nil || p.Total != 0 {
		t.Fatalf("sessions after a refused start: %+v, %v", p, err)
	}
}

// A stop of a session whose charger is offline cannot reach it: it is
// answered as such, not as a stop under way. The stop is kept (a time
// block starts no later than it) and asked once the charger is back,
// however often it was asked meanwhile. The seed's standard, 300 paid,
// started 10:00, stop asked at 10:20 and again until 10:29, charger back
// at 10:30 and stopped at 10:31: billed to 10:20, one 240-minute block,
// 100 fen, 200 back.
func TestStopOnOfflineCharger(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 300, 0)
	r.Clock.Set(t0.Add(10 * time.Minute))
	r.offline(t)
	for m := 20; m < 30; m++ {
		r.Clock.Set(t0.Add(time.Duration(m) * time.Minute))
		_, err := r.cs.StopSession(r.Ctx, sess.ID, "")
		systemtest.WantCode(t, err, park.EConflict)
		if pe, _ := err.(*park.Error); pe == nil || pe.Field != "session_id" || pe.Reason != park.ReasonNotConnected {
			t.Fatalf("stop at %d minutes: %#v, want session_id not connected", m, err)
		}
	}
	s, _ := r.cs.Session(r.Ctx, sess.ID)
	if s.Status != park.SessionCharging || s.StopAsked == nil || !s.StopAsked.Equal(t0.Add(20*time.Minute)) || s.StopReason != park.EndManual {
		t.Fatalf("after stops of an offline charger: %+v", s)
	}
	r.Clock.Set(t0.Add(30 * time.Minute))
	r.remote.mu.Lock()
	r.remote.offline = false
	r.remote.mu.Unlock()
	if _, err := r.cs.Connected(r.Ctx, "CP1"); err != nil {
		t.Fatal(err)
	}
	r.sweep(t)
	if r.remote.stopCount() != 1 {
		t.Fatalf("charger back: %d stops sent, want 1", r.remote.stopCount())
	}
	s = r.stop(t, s, t0.Add(31*time.Minute), 10, 0)
	wantBill(t, s, 100, 0, 200)
	if s.EndReason != park.EndManual {
		t.Fatalf("end reason %d", s.EndReason)
	}
}

// A charger connected but silent never answers the stop: it is answered
// as not delivered, like an offline one, and kept. It is not asked again
// while the charger stays silent; at its signs of life (a heartbeat and a
// sweep every minute here) it is asked again after a back-off that
// doubles from a minute, capped at StopBackoffMax, and no more once
// MaxUnansweredStops asks in a row went unanswered: that is left to the
// operator, and the log says so. None of the unanswered asks counts among
// MaxStopAsks; the first answer counts once.
//
// By hand, asks at 10:20 (the driver's), then 1, 2, 4, 8, 16 and 32→30
// (capped) and 30 minutes after the one before: 10:21, 10:23, 10:27,
// 10:35, 10:51, 11:21, 11:51 — eight asks, the eighth unanswered ends the
// asking; nothing more by 12:30. The operator's own stop at 12:31 is
// answered and the charger stops at 12:32: billed to 10:20, 20 minutes
// in one 240-minute block of the seed's standard, 100 fen, 300-100 = 200
// back.
func TestStopOnSilentCharger(t *testing.T) {
	var logged bytes.Buffer
	r := newRigWith(t, park.FamilyTwoWheeler, seedRules, systemtest.Options{Log: slog.New(slog.NewTextHandler(&logged, nil))})
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 300, 0)
	r.remote.mu.Lock()
	r.remote.silent = true
	r.remote.mu.Unlock()
	r.Clock.Set(t0.Add(20 * time.Minute))
	_, err := r.cs.StopSession(r.Ctx, sess.ID, "")
	systemtest.WantCode(t, err, park.EConflict)
	if pe, _ := err.(*park.Error); pe == nil || pe.Field != "session_id" || pe.Reason != park.ReasonNotAnswering {
		t.Fatalf("stop of a silent charger: %#v, want session_id not answering", err)
	}
	s, _ := r.cs.Session(r.Ctx, sess.ID)
	if s.Status != park.SessionCharging || s.StopAsks != 0 || s.StopUnheard == nil || !s.StopAsked.Equal(t0.Add(20*time.Minute)) {
		t.Fatalf("after an unanswered stop: %+v", s)
	}
	sweepAt := func(m int) {
		t.Helper()
		r.Clock.Set(t0.Add(time.Duration(m) * time.Minute))
		r.sweep(t)
	}
	sweepAt(20) // silent since: nothing sent
	if n := r.remote.stopCount(); n != 1 {
		t.Fatalf("silent since the stop: %d stops sent, want 1", n)
	}
	// A sign of life every minute until 12:30, half of them MeterValues.
	var at []int
	for m := 21; m <= 150; m++ {
		before := r.remote.stopCount()
		r.Clock.Set(t0.Add(time.Duration(m) * time.Minute))
		if m%2 == 1 {
			if err := r.cs.Heartbeat(r.Ctx, "CP1"); err != nil {
				t.Fatal(err)
			}
			sweepAt(m)
		} else {
			r.cs.Seen("CP1") // the MeterValues, as the central system notes it
			if err := metered(r.Ctx, r.cs, "CP1", sess.TransactionID, []park.MeterReading{{At: r.Clock.Now(), EnergyWh: int64(100 + m), PowerW: 100}}, false); err != nil {
				t.Fatal(err)
			}
		}
		if r.remote.stopCount() != before {
			at = append(at, m)
		}
	}
	if want := []int{21, 23, 27, 35, 51, 81, 111}; !slices.Equal(at, want) {
		t.Fatalf("asked again at minutes %v, want %v", at, want)
	}
	s, _ = r.cs.Session(r.Ctx, sess.ID)
	if s.StopAsks != 0 || s.Status != park.SessionCharging || !s.StopAsked.Equal(t0.Add(20*time.Minute)) {
		t.Fatalf("after eight unanswered asks: %+v", s)
	}
	if !strings.Contains(logged.String(), "operator") || strings.Count(logged.String(), "unanswered stops") != 1 {
		t.Fatalf("the log does not say the asking stopped, once:\n%s", logged.String())
	}
	// The operator sees it among the lot's anomalies, once: at 11:51
	// (03:51 UTC), when the eighth ask went unanswered, the first of them
	// at 10:20 (02:20 UTC).
	if s.StopUnansweredSince == nil || !s.StopUnansweredSince.Equal(t0.Add(20*time.Minute)) || s.StopUnanswered != charging.MaxUnansweredStops {
		t.Fatalf("unanswered since %v, %d in a row; want 10:20, 8", s.StopUnansweredSince, s.StopUnanswered)
	}
	wantUnanswered := func(when string) {
		t.Helper()
		as := anomaliesOf(t, r, park.AnomalyStopUnanswered)
		if len(as) != 1 {
			t.Fatalf("%s: %d stop_unanswered anomalies, want 1: %+v", when, len(as), as)
		}
		a := as[0]
		if !a.At.Equal(t0.Add(111*time.Minute)) || a.LotCode != r.Lot {
			t.Fatalf("%s: anomaly at %v in lot %q; want 11:51 in %q", when, a.At, a.LotCode, r.Lot)
		}
		for _, w := range []string{"charger CP1", "session " + sess.ID, "8 stops in a row unanswered, since 2026-11-23T02:20:00Z", "the last at 2026-11-23T03:51:00Z", "stop the session"} {
			if !strings.Contains(a.Detail, w) {
				t.Fatalf("%s: anomaly detail %q lacks %q", when, a.Detail, w)
			}
		}
	}
	wantUnanswered("after eight unanswered asks")
	r.remote.mu.Lock()
	r.remote.silent = false
	r.remote.mu.Unlock()
	r.Clock.Set(t0.Add(151 * time.Minute))
	if _, err := r.cs.StopSession(r.Ctx, sess.ID, ""); err != nil {
		t.Fatal(err)
	}
	s, _ = r.cs.Session(r.Ctx, sess.ID)
	if n := r.remote.stopCount(); n != 9 || s.StopAsks != 1 || s.StopUnheard != nil || s.StopUnansweredSince != nil {
		t.Fatalf("the operator's stop: %d stops sent (want 9), %+v", n, s)
	}
	wantUnanswered("after the operator's stop")
	s = r.stop(t, s, t0.Add(152*time.Minute), 300, 0)
	wantBill(t, s, 100, 0, 200)
	if s.EndReason != park.EndManual || s.StopAsks != 1 {
		t.Fatalf("end reason %d, asks %d", s.EndReason, s.StopAsks)
	}
}

// A stop asked again of a silent charger waits for its answer apart, and
// only one at a time per charger: the sweep returns while it is under way,
// and a later sweep asks nothing more of that charger until it ends. Stop
// asked 10:20 (unanswered), asked again 10:21 and held; at 10:23 it is
// due again (2 minutes after the second unanswered ask) but the one under
// way stands for it; once that one timed out, 10:24 asks the third.
func TestStopAskedAgainApart(t *testing.T) {
	r := newRig(t, park.FamilyTwoWheeler, seedRules)
	t0 := local(0, 10, 0)
	sess := r.start(t, t0, 300, 0)
	r.remote.mu.Lock()
	r.remote.silent = true
	r.remote.mu.Unlock()
	r.Clock.Set(t0.Add(20 * time.Minute))
	if _, err := r.cs.StopSession(r.Ctx, sess.ID, ""); err == nil {
		t.Fatal("a silent charger's stop answered as under way")
	}
	hold := make(chan struct{})
	r.remote.mu.Lock()
	r.remote.hold = hold
	r.remote.mu.Unlock()
	lifeAt := func(m int) {
		t.Helper()
		r.Clock.Set(t0.Add(time.Duration(m) * time.Minute))
		if err := r.cs.Heartbeat(r.Ctx, "CP1"); err != nil {
			t.Fatal(err)
		}
		if err := r.cs.Sweep(r.Ctx); err != nil { // returns while the ask waits
			t.Fatal(err)
		}
	}
	lifeAt(21)
	for deadline := time.Now().Add(5 * time.Second); r.remote.stopCount() < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the stop asked again at 10:21 never reached the charger")
		}
	}
	lifeAt(23)
	close(hold)
	r.cs.WaitStops()
	if n := r.remote.stopCount(); n != 2 {
		t.Fatalf("with an ask under way at 10:23: %d stops sent, want 2", n)
	}
	r.remote.mu.Lock()
	r.remote.hold = nil
	r.remote.mu.Unlock()
	lifeAt(24)
	r.cs.WaitStops()
	if n := r.remote.stopCount(); n != 3 {
		t.Fatalf("after the ask under way timed out: %d stops sent, want 3", n)
	}
	if s, _ := r.cs.Session(r.Ctx, sess.ID); s.StopUnanswered != 3 || s.StopAsks != 0 || s.Status != park.SessionCharging {
		t.Fatalf("%+v", s)
	}
}
